package dev.llmq.simulator.chat;

import dev.llmq.simulator.SimulatorProperties;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How one reply is timed, and where a fault interrupts it: a {@code stall} or a cut after some tokens (mid-body for a
 * reply that is not streamed).
 */
record Pace(
        Duration timeToFirstToken,
        Duration perTokenDelay,
        @Nullable Stall stall,
        @Nullable Integer cutAfterTokens) {

    /** The configured pace, uninterrupted. */
    static Pace of(SimulatorProperties properties) {
        return new Pace(properties.timeToFirstToken(), properties.perTokenDelay(), null, null);
    }

    Pace withPerTokenDelay(Duration delay) {
        return new Pace(timeToFirstToken, delay, stall, cutAfterTokens);
    }

    Pace stallingAfter(int tokens, Duration duration) {
        return new Pace(timeToFirstToken, perTokenDelay, new Stall(tokens, duration), cutAfterTokens);
    }

    Pace cuttingAfter(int tokens) {
        return new Pace(timeToFirstToken, perTokenDelay, stall, tokens);
    }

    /** The wait before a non-streamed reply of {@code tokens} tokens: time to first token plus per-token delays. */
    Duration latencyFor(int tokens) {
        return timeToFirstToken.plus(perTokenDelay.multipliedBy(tokens));
    }

    /** Whether a stall or a cut interrupts the reply. */
    boolean interrupted() {
        return stall != null || cutAfterTokens != null;
    }

    /** A pause of {@code duration} once {@code afterTokens} tokens are sent. */
    record Stall(int afterTokens, Duration duration) {}
}
