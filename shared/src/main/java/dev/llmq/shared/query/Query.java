package dev.llmq.shared.query;

import java.time.Instant;

/**
 * A query as it travels on the stream from the api-service to a worker; {@code attempt} counts LLM calls, 1 for the
 * first and one more for each retry.
 */
public record Query(QueryId id, String prompt, Instant submittedAt, int attempt) {

    public Query {
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("query " + id + " has a blank prompt");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("query " + id + " has attempt " + attempt);
        }
    }

    /** A newly submitted query: its first attempt. */
    public Query(QueryId id, String prompt, Instant submittedAt) {
        this(id, prompt, submittedAt, 1);
    }

    /** The same query, for its next attempt. */
    public Query nextAttempt() {
        return new Query(id, prompt, submittedAt, attempt + 1);
    }
}
