package dev.llmq.simulator.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The limits, their validation and their {@code llmq.simulator.limits.*} settings. */
class RateLimitsTests {

    @Test
    void bindsTheLimitsOfTheSettings() {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        source.put("llmq.simulator.limits.requests-per-window", "60");
        source.put("llmq.simulator.limits.tokens-per-window", "10000");
        source.put("llmq.simulator.limits.window", "10s");

        assertThat(bind(source).toLimits()).isEqualTo(new RateLimits(60, 10_000L, Duration.ofSeconds(10)));
    }

    @Test
    void bindsTheEnvironmentVariablesTheReadmeNames() {
        SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(
                        "LLMQ_SIMULATOR_LIMITS_REQUESTS_PER_WINDOW", "60",
                        "LLMQ_SIMULATOR_LIMITS_TOKENS_PER_WINDOW", "10000",
                        "LLMQ_SIMULATOR_LIMITS_WINDOW", "10s"));

        LimitProperties properties = new Binder(ConfigurationPropertySources.from(environment))
                .bindOrCreate("llmq.simulator.limits", LimitProperties.class);

        assertThat(properties.toLimits()).isEqualTo(new RateLimits(60, 10_000L, Duration.ofSeconds(10)));
    }

    @Test
    void isUnlimitedOverOneMinuteByDefault() {
        RateLimits limits = bind(new MapConfigurationPropertySource()).toLimits();

        assertThat(limits).isEqualTo(RateLimits.unlimited());
        assertThat(limits.isUnlimited()).isTrue();
        assertThat(limits.window()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void rejectsLimitsBelowOneAndAnEmptyWindow() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RateLimits(0, null, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new RateLimits(null, 0L, Duration.ofSeconds(1)));
        assertThatIllegalArgumentException().isThrownBy(() -> new RateLimits(1, null, Duration.ZERO));
    }

    @Test
    void writesTheWindowInTheUnitItDividesEvenly() {
        assertThat(new RateLimits(1, null, Duration.ofMinutes(2)).windowText()).isEqualTo("2m");
        assertThat(new RateLimits(1, null, Duration.ofSeconds(90)).windowText()).isEqualTo("90s");
        assertThat(new RateLimits(1, null, Duration.ofMillis(1500)).windowText())
                .isEqualTo("1500ms");
    }

    private static LimitProperties bind(MapConfigurationPropertySource source) {
        return new Binder(source).bindOrCreate("llmq.simulator.limits", LimitProperties.class);
    }
}
