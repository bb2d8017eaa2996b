package dev.llmq.shared.redis;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryRequest;

/** The producer side of the query stream, used by the api-service. */
public interface QueryQueue {

    /**
     * Issues a new id, records the query as queued and appends it to the stream. Returns only once Redis holds the
     * entry, so a query whose submission returned is never lost.
     */
    Query submit(QueryRequest request);

    /** Submits the seed's form of query: one prompt, default model and options. */
    default Query submit(String prompt) {
        return submit(QueryRequest.ofPrompt(prompt));
    }
}
