package dev.llmq.simulator.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The sliding window over a clock the test moves: what is admitted, what is refused, and what Retry-After says. */
class AccountLimiterTests {

    private static final Duration WINDOW = Duration.ofSeconds(10);

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final InstantSource clock = () -> now;

    @Test
    void admitsUpToTheRequestLimitThenRefusesUntilTheOldestLeavesTheWindow() {
        AccountLimiter limiter = limiter(new RateLimits(3, null, WINDOW));
        limiter.admit(1);
        advance(2_500);
        limiter.admit(1);
        limiter.admit(1);

        Admission refused = limiter.admit(1);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.rejection()).isEqualTo(new Admission.Rejection(LimitType.REQUESTS, 3, 3, 1, 8));
        advance(7_499);
        assertThat(limiter.admit(1).admitted()).isFalse();
        advance(1);
        assertThat(limiter.admit(1).admitted()).isTrue();
    }

    @Test
    void refusesOverTheTokenLimitUntilEnoughTokensLeaveTheWindow() {
        AccountLimiter limiter = limiter(new RateLimits(null, 100L, WINDOW));
        limiter.admit(50);
        advance(1_000);
        limiter.admit(30);
        advance(1_000);

        Admission refused = limiter.admit(40);

        // 80 used + 40 needs 20 freed: the first admission (50 tokens) frees them 8 s from now
        assertThat(refused.rejection()).isEqualTo(new Admission.Rejection(LimitType.TOKENS, 100, 80, 40, 8));
        assertThat(limiter.admit(20).admitted()).isTrue();
    }

    @Test
    void refusesARequestLargerThanTheTokenLimitForAWholeWindow() {
        AccountLimiter limiter = limiter(new RateLimits(null, 100L, WINDOW));

        Admission.Rejection rejection = limiter.admit(101).rejection();

        assertThat(rejection).isNotNull();
        assertThat(rejection.tooLarge()).isTrue();
        assertThat(rejection.retryAfterSeconds()).isEqualTo(10);
    }

    @Test
    void countsNothingForRefusedRequests() {
        AccountLimiter limiter = limiter(new RateLimits(1, null, WINDOW));
        limiter.admit(1);
        IntStream.range(0, 5).forEach(i -> limiter.admit(1));

        advance(WINDOW.toMillis());

        assertThat(limiter.admit(1).admitted()).isTrue();
    }

    @Test
    void retriesAfterAtLeastOneWholeSecond() {
        AccountLimiter limiter = limiter(new RateLimits(1, null, Duration.ofMillis(300)));
        limiter.admit(1);

        assertThat(limiter.admit(1).rejection().retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void reportsWhatRemainsAndWhenTheWindowIsWholeAgain() {
        AccountLimiter limiter = limiter(new RateLimits(5, 1000L, WINDOW));
        limiter.admit(100);
        advance(4_000);
        limiter.admit(200);
        advance(1_500);

        RateLimitState state = limiter.state();

        assertThat(state)
                .isEqualTo(new RateLimitState(5, 3, Duration.ofMillis(8_500), 1000, 700, Duration.ofMillis(8_500)));
    }

    @Test
    void reportsUnlimitedDimensionsAsTheLargestIntAndRemembersNothingWithoutLimits() {
        AccountLimiter limiter = limiter(RateLimits.unlimited());
        IntStream.range(0, 1000)
                .forEach(i ->
                        assertThat(limiter.admit(Long.MAX_VALUE).admitted()).isTrue());

        assertThat(limiter.state())
                .isEqualTo(new RateLimitState(
                        RateLimitState.UNLIMITED,
                        RateLimitState.UNLIMITED,
                        Duration.ZERO,
                        RateLimitState.UNLIMITED,
                        RateLimitState.UNLIMITED,
                        Duration.ZERO));
        limiter.setLimits(new RateLimits(1, null, WINDOW));
        assertThat(limiter.admit(1).admitted()).isTrue();
    }

    @Test
    void startsAFreshWindowWhenTheLimitsChange() {
        AccountLimiter limiter = limiter(new RateLimits(1, null, WINDOW));
        limiter.admit(1);

        limiter.setLimits(new RateLimits(1, 10L, WINDOW));

        assertThat(limiter.admit(1).admitted()).isTrue();
        assertThat(limiter.limits().tokensPerWindow()).isEqualTo(10L);
    }

    private AccountLimiter limiter(RateLimits limits) {
        return new AccountLimiter(limits, clock);
    }

    private void advance(long millis) {
        now = now.plusMillis(millis);
    }
}
