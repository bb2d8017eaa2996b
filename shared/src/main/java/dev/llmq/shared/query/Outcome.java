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

    /** The LLM answered; {@code text} is the answer. */
    record Answered(QueryId id, String text, String model, Usage usage, Instant completedAt) implements Outcome {}

    /** The query cannot be answered; {@code error} says why, and is never presented as answer text. */
    record Failed(QueryId id, QueryError error, Instant completedAt) implements Outcome {}
}
