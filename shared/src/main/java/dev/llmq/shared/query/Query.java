package dev.llmq.shared.query;

import java.time.Instant;

/**
 * A query as it travels on the stream from the api-service to a worker; {@code attempt} counts LLM calls, 1 for the
 * first and one more for each retry.
 */
public record Query(QueryId id, QueryRequest request, Instant submittedAt, int attempt) {

    public Query {
        if (attempt < 1) {
            throw new IllegalArgumentException("query " + id + " has attempt " + attempt);
        }
    }

    /** A newly submitted query: its first attempt. */
    public Query(QueryId id, QueryRequest request, Instant submittedAt) {
        this(id, request, submittedAt, 1);
    }

    /** A newly submitted seed-style query: one prompt. */
    public Query(QueryId id, String prompt, Instant submittedAt) {
        this(id, QueryRequest.ofPrompt(prompt), submittedAt, 1);
    }

    /** The same query, for its next attempt. */
    public Query nextAttempt() {
        return new Query(id, request, submittedAt, attempt + 1);
    }

    /** The last user message. */
    public String prompt() {
        return request.prompt();
    }
}
