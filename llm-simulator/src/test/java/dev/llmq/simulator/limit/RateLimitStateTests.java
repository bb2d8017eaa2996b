package dev.llmq.simulator.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The x-ratelimit headers in OpenAI's format. */
class RateLimitStateTests {

    private final RateLimitState state =
            new RateLimitState(60, 59, Duration.ofMillis(1500), 150_000, 149_990, Duration.ofMinutes(6));

    @Test
    void writesTheSixHeadersInOpenAisFormat() {
        assertThat(state.headers())
                .containsExactly(
                        entry("x-ratelimit-limit-requests", "60"),
                        entry("x-ratelimit-remaining-requests", "59"),
                        entry("x-ratelimit-reset-requests", "1.5s"),
                        entry("x-ratelimit-limit-tokens", "150000"),
                        entry("x-ratelimit-remaining-tokens", "149990"),
                        entry("x-ratelimit-reset-tokens", "6m0s"));
    }

    @Test
    void reportsTheExhaustedDimensionAsUsedUpUntilTheReset() {
        assertThat(state.exhausted(LimitType.TOKENS, Duration.ofSeconds(2)))
                .isEqualTo(new RateLimitState(60, 59, Duration.ofMillis(1500), 150_000, 0, Duration.ofSeconds(2)));
        assertThat(state.exhausted(LimitType.REQUESTS, Duration.ofSeconds(2)).remainingRequests())
                .isZero();
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "17, 17ms", "1000, 1s", "59870, 59.87s", "60000, 1m0s", "359500, 5m59.5s", "3723000, 1h2m3s"})
    void writesDurationsAsGoDoes(long millis, String expected) {
        assertThat(GoDuration.format(Duration.ofMillis(millis))).isEqualTo(expected);
    }
}
