package dev.llmq.simulator.limit;

import org.jspecify.annotations.Nullable;

/** The limiter's answer to one request: the state to report and, when it was refused, why. */
public record Admission(RateLimitState state, @Nullable Rejection rejection) {

    /** Whether the request was admitted (and counted). */
    public boolean admitted() {
        return rejection == null;
    }

    /**
     * Why a request was refused: the exhausted {@code type}, its {@code limit}, what the window had {@code used},
     * what the request {@code requested}, and the whole seconds (at least 1) until it would fit.
     */
    public record Rejection(LimitType type, long limit, long used, long requested, long retryAfterSeconds) {

        /** Whether the request can never fit, being larger than the limit itself. */
        public boolean tooLarge() {
            return requested > limit;
        }
    }
}
