package dev.llmq.worker.processing;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed LLM call again: exponential backoff from {@code initialDelay}, doubled per attempt up to
 * {@code maxDelay}, with jitter (a random share of up to half the delay) so that failed calls do not return in step;
 * never sooner than the provider's {@code Retry-After}, which is honoured up to {@code maxRetryAfter}.
 */
record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {

    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("LLMQ_WORKER_MAX_ATTEMPTS must be at least 1: " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException(
                    "retry delays must satisfy 0 <= initial <= max: " + initialDelay + ", " + maxDelay);
        }
    }

    /** Whether a query that just failed its {@code attempt}-th call may have another. */
    boolean allowsAnotherAttempt(int attempt) {
        return attempt < maxAttempts;
    }

    /** How long to wait before the call after the {@code failedAttempt}-th one. */
    Duration delayAfter(int failedAttempt, Optional<Duration> retryAfter, RandomGenerator random) {
        Duration backoff = initialDelay.multipliedBy(1L << Math.min(failedAttempt - 1, 30));
        if (backoff.compareTo(maxDelay) > 0 || backoff.isNegative()) {
            backoff = maxDelay;
        }
        long half = backoff.toMillis() / 2;
        Duration jittered = Duration.ofMillis(backoff.toMillis() - half + (half > 0 ? random.nextLong(half + 1) : 0));
        Duration asked = retryAfter
                .map(d -> d.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : d)
                .orElse(Duration.ZERO);
        return jittered.compareTo(asked) >= 0 ? jittered : asked;
    }
}
