package dev.llmq.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Feature packages stay free of cycles, and only the wiring package knows the Redis client library. */
@AnalyzeClasses(packages = "dev.llmq.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles =
            slices().matching("dev.llmq.api.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule featuresDoNotDependOnWiring = noClasses()
            .that()
            .resideInAnyPackage("dev.llmq.api.query..", "dev.llmq.api.access..", "dev.llmq.api.batch..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.llmq.api.system..");

    @ArchTest
    static final ArchRule onlyWiringTouchesRedisson = noClasses()
            .that()
            .resideOutsideOfPackage("dev.llmq.api.system..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.redisson..");

    /** Features report what happens through small interfaces; only the metrics package knows Micrometer's meters. */
    @ArchTest
    static final ArchRule onlyMetricsUseMeters = noClasses()
            .that()
            .resideOutsideOfPackages("dev.llmq.api.metrics..", "dev.llmq.api.system..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.micrometer.core.instrument..");
}
