package dev.llmq.shared.redis;

import dev.llmq.shared.query.Query;

/** The producer side of the query stream, used by the api-service. */
public interface QueryQueue {

    /**
     * Issues a new id, records the query as queued and appends it to the stream. Returns only once Redis holds the
     * entry, so a query whose submission returned is never lost.
     */
    Query submit(String prompt);
}
