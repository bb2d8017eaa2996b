package dev.llmq.shared.query;

import java.time.Instant;

/** How a query ended: the one terminal result clients see, stored as {@code query_result_<id>} and published there. */
public sealed interface Outcome permits Outcome.Answered, Outcome.Failed {

    QueryId id();

    Instant completedAt();

    /** The status clients see for this outcome. */
    default QueryStatus status() {
        return switch (this) {
            case Answered answered -> QueryStatus.SUCCEEDED;
            case Failed failed -> QueryStatus.FAILED;
        };
    }

    /** How many LLM calls the query took (1 when the first call decided it). */
    int attempts();

    /** The LLM answered; {@code text} is the answer. */
    record Answered(
            QueryId id, String text, String model, Usage usage, int attempts, Timing timing, Instant completedAt)
            implements Outcome {

        public Answered(QueryId id, String text, String model, Usage usage, Instant completedAt) {
            this(id, text, model, usage, 1, Timing.UNKNOWN, completedAt);
        }
    }

    /** The query cannot be answered; {@code error} says why, and is never presented as answer text. */
    record Failed(QueryId id, QueryError error, int attempts, Timing timing, Instant completedAt) implements Outcome {

        public Failed(QueryId id, QueryError error, Instant completedAt) {
            this(id, error, 1, Timing.UNKNOWN, completedAt);
        }

        public Failed(QueryId id, QueryError error, int attempts, Instant completedAt) {
            this(id, error, attempts, Timing.UNKNOWN, completedAt);
        }
    }
}
