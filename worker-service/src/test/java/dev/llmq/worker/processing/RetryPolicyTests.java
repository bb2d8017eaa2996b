package dev.llmq.worker.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    private final RetryPolicy policy =
            new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2));
    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void backoffDoublesPerAttemptWithJitterInTheUpperHalf() {
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayAfter(1, Optional.empty(), random))
                    .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(policy.delayAfter(2, Optional.empty(), random))
                    .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(policy.delayAfter(3, Optional.empty(), random))
                    .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
        }
    }

    @Test
    void backoffStopsGrowingAtTheMaximum() {
        assertThat(policy.delayAfter(40, Optional.empty(), random))
                .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    @Test
    void aProvidersRetryAfterIsHonouredUpToItsCap() {
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofSeconds(20)), random))
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.delayAfter(1, Optional.of(Duration.ofHours(1)), random))
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(policy.delayAfter(3, Optional.of(Duration.ofMillis(10)), random))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void attemptsStopAtTheMaximum() {
        assertThat(policy.allowsAnotherAttempt(3)).isTrue();
        assertThat(policy.allowsAnotherAttempt(4)).isFalse();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
    }
}
