package dev.llmq.shared.query;

import java.time.Instant;

/** A query as it travels on the stream from the api-service to a worker. */
public record Query(QueryId id, String prompt, Instant submittedAt) {

    public Query {
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("query " + id + " has a blank prompt");
        }
    }
}
