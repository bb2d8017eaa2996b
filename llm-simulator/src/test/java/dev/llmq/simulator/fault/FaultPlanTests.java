package dev.llmq.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The run-wide fault rules: order, counts, seeded probabilities, and their startup configuration. */
class FaultPlanTests {

    private final FaultPlan plan = new FaultPlan(new FaultProperties(42, List.of()));

    @Test
    void givesACountRuleToTheNextRequestsThenDropsIt() {
        plan.add(FaultRule.times("503", 2));

        assertThat(names(3)).containsExactly("503", "503", null);
        assertThat(plan.rules()).isEmpty();
    }

    @Test
    void triesTheRulesInTheOrderTheyWereAdded() {
        plan.add(FaultRule.times("500", 1));
        plan.add(FaultRule.always("reset"));

        assertThat(names(3)).containsExactly("500", "reset", "reset");
    }

    @Test
    void drawsAProbabilityRuleFromItsSeedReproducibly() {
        FaultRule rule = FaultRule.withProbability("429", 0.2).seeded(7);
        plan.add(rule);
        List<@Nullable String> first = names(1000);
        FaultPlan again = new FaultPlan(new FaultProperties(0, List.of(rule)));

        assertThat(IntStream.range(0, 1000).mapToObj(i -> name(again.next())).toList())
                .isEqualTo(first);
        assertThat(first.stream().filter(Objects::nonNull).count()).isBetween(150L, 250L);
    }

    @Test
    void seedsARuleWithoutSeedFromTheConfiguredSeed() {
        FaultRuleStatus status = plan.add(FaultRule.withProbability("500", 0.5));

        assertThat(status.seed()).isEqualTo(42);
        assertThat(status.remaining()).isNull();
    }

    @Test
    void countsWhatEachRuleHasApplied() {
        plan.add(FaultRule.times("502", 3));
        plan.next();

        FaultRuleStatus status = plan.rules().getFirst();

        assertThat(status.applied()).isEqualTo(1);
        assertThat(status.remaining()).isEqualTo(2);
        assertThat(status.count()).isEqualTo(3);
    }

    @Test
    void forgetsEveryRuleWhenCleared() {
        plan.add(FaultRule.always("500"));

        plan.clear();

        assertThat(plan.next()).isNull();
        assertThat(plan.rules()).isEmpty();
    }

    @Test
    void keepsTheFaultOfARuleInCanonicalFormAndRefusesAnInvalidRule() {
        assertThat(FaultRule.always(" CUT-STREAM ").fault()).isEqualTo("cut-stream;after-tokens=1");
        assertThatExceptionOfType(InvalidFaultException.class).isThrownBy(() -> FaultRule.always("teapot"));
        assertThatIllegalArgumentException().isThrownBy(() -> FaultRule.times("500", 0));
        assertThatIllegalArgumentException().isThrownBy(() -> FaultRule.withProbability("500", 1.5));
    }

    @Test
    void loadsTheRulesConfiguredAtStartup() {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        source.put("llmq.simulator.faults.seed", "5");
        source.put("llmq.simulator.faults.rules[0].fault", "503");
        source.put("llmq.simulator.faults.rules[0].count", "1");
        source.put("llmq.simulator.faults.rules[1].fault", "429;retry-after=1");
        source.put("llmq.simulator.faults.rules[1].probability", "0.2");

        FaultPlan configured = new FaultPlan(bind(source));

        assertThat(configured.rules())
                .extracting(
                        FaultRuleStatus::fault,
                        FaultRuleStatus::count,
                        FaultRuleStatus::probability,
                        FaultRuleStatus::seed)
                .containsExactly(tuple("503", 1, null, 5L), tuple("429;retry-after=1;type=requests", null, 0.2, 5L));
    }

    @Test
    void loadsRulesFromEnvironmentVariables() {
        SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(
                        "LLMQ_SIMULATOR_FAULTS_SEED", "9",
                        "LLMQ_SIMULATOR_FAULTS_RULES_0_FAULT", "reset",
                        "LLMQ_SIMULATOR_FAULTS_RULES_0_COUNT", "2"));

        FaultProperties properties = new Binder(ConfigurationPropertySources.from(environment))
                .bindOrCreate("llmq.simulator.faults", FaultProperties.class);

        assertThat(properties.seed()).isEqualTo(9);
        assertThat(properties.rules()).containsExactly(FaultRule.times("reset", 2));
    }

    @Test
    void startsWithoutRulesAndSeedZeroByDefault() {
        FaultProperties properties = bind(new MapConfigurationPropertySource());

        assertThat(properties.seed()).isZero();
        assertThat(properties.rules()).isEmpty();
    }

    private List<@Nullable String> names(int requests) {
        List<@Nullable String> names = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            names.add(name(plan.next()));
        }
        return names;
    }

    private static @Nullable String name(@Nullable Fault fault) {
        return fault == null ? null : fault.name();
    }

    private static FaultProperties bind(MapConfigurationPropertySource source) {
        return new Binder(source).bindOrCreate("llmq.simulator.faults", FaultProperties.class);
    }
}
