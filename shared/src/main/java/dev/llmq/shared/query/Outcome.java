package dev.llmq.shared.query;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How a query ended: the one terminal result clients see, stored as {@code query_result_<id>} and published there.
 * Every outcome says whose query it was, when it was submitted, when its final LLM call started (null if none did),
 * how many LLM calls it took and when it ended; {@link #result} says how.
 */
public record Outcome(
        QueryId id,
        TenantId tenant,
        Instant submittedAt,
        @Nullable Instant startedAt,
        int attempts,
        Instant completedAt,
        Result result) {

    public Outcome {
        if (attempts < 0) {
            throw new IllegalArgumentException("query " + id + " has " + attempts + " attempts");
        }
    }

    /** The outcome of {@code query} after {@code attempts} LLM calls. */
    public static Outcome of(
            Query query, @Nullable Instant startedAt, int attempts, Instant completedAt, Result result) {
        return new Outcome(query.id(), query.tenant(), query.submittedAt(), startedAt, attempts, completedAt, result);
    }

    /** The status clients see for this outcome. */
    public QueryStatus status() {
        return switch (result) {
            case Answered answered -> QueryStatus.SUCCEEDED;
            case Failed failed -> QueryStatus.FAILED;
            case Cancelled cancelled -> QueryStatus.CANCELLED;
            case Expired expired -> QueryStatus.EXPIRED;
        };
    }

    /** How a query ended. */
    public sealed interface Result permits Answered, Failed, Cancelled, Expired {}

    /** The LLM answered; {@code text} is the answer. */
    public record Answered(String text, String model, Usage usage, Timing timing) implements Result {}

    /** The query cannot be answered; {@code error} says why, and is never presented as answer text. */
    public record Failed(QueryError error, Timing timing) implements Result {}

    /** A client cancelled the query before it ended; a call in progress was aborted. */
    public record Cancelled() implements Result {}

    /** No LLM call for the query started by its {@code deadline}. */
    public record Expired(Instant deadline) implements Result {}
}
