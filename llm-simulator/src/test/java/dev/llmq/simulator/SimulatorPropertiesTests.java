package dev.llmq.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binding, defaults and validation of the {@code llmq.simulator.*} settings. */
class SimulatorPropertiesTests {

    @Test
    void defaultsToRealisticLatencyAndThreeModels() {
        SimulatorProperties properties = bind(new MapConfigurationPropertySource());

        assertThat(properties.timeToFirstToken()).isEqualTo(Duration.ofMillis(200));
        assertThat(properties.perTokenDelay()).isEqualTo(Duration.ofMillis(20));
        assertThat(properties.models()).containsExactly("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini");
    }

    @Test
    void bindsDurationsAndCommaSeparatedModels() {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        source.put("llmq.simulator.time-to-first-token", "1s");
        source.put("llmq.simulator.per-token-delay", "0ms");
        source.put("llmq.simulator.models", "a, b");

        SimulatorProperties properties = bind(source);

        assertThat(properties.timeToFirstToken()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.perTokenDelay()).isZero();
        assertThat(properties.models()).containsExactly("a", "b");
    }

    @Test
    void addsOneDelayPerTokenToTheTimeToFirstToken() {
        SimulatorProperties properties =
                new SimulatorProperties(Duration.ofMillis(200), Duration.ofMillis(20), List.of("m"));

        assertThat(properties.latencyFor(5)).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void rejectsANegativeDelay() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SimulatorProperties(Duration.ofMillis(-1), Duration.ZERO, List.of("m")))
                .withMessageContaining("time-to-first-token");
    }

    @Test
    void rejectsAnEmptyModelList() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SimulatorProperties(Duration.ZERO, Duration.ZERO, List.of(" ")))
                .withMessageContaining("models");
    }

    private static SimulatorProperties bind(MapConfigurationPropertySource source) {
        return new Binder(source).bindOrCreate("llmq.simulator", SimulatorProperties.class);
    }
}
