package dev.llmq.shared.query;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where an answered query's time went: waiting before its final LLM call ({@code queued}, retries included), in that
 * call ({@code model}), and until its first token ({@code firstToken}, when the answer was streamed).
 */
public record Timing(
        Duration queued, Duration model, @Nullable Duration firstToken) {

    public static final Timing UNKNOWN = new Timing(Duration.ZERO, Duration.ZERO, null);

    public Timing {
        if (queued.isNegative()) {
            queued = Duration.ZERO;
        }
        if (model.isNegative()) {
            model = Duration.ZERO;
        }
    }

    /** When the final LLM call started, for a query submitted at {@code submittedAt}; null if no call was timed. */
    public @Nullable Instant callStartedAt(Instant submittedAt) {
        return equals(UNKNOWN) ? null : submittedAt.plus(queued);
    }
}
