package dev.llmq.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Feature packages stay free of cycles, and the OpenAI SDK stays behind the LLM seam. */
@AnalyzeClasses(packages = "dev.llmq.worker", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles =
            slices().matching("dev.llmq.worker.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheLlmSeamAndWiringUseTheOpenAiSdk = noClasses()
            .that()
            .resideOutsideOfPackages("dev.llmq.worker.llm..", "dev.llmq.worker.system..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("com.openai..");

    /** Features report what happens through small interfaces; only the metrics package knows Micrometer's meters. */
    @ArchTest
    static final ArchRule onlyMetricsUseMeters = noClasses()
            .that()
            .resideOutsideOfPackages("dev.llmq.worker.metrics..", "dev.llmq.worker.system..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.micrometer.core.instrument..");
}
