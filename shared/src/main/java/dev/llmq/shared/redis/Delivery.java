package dev.llmq.shared.redis;

import dev.llmq.shared.query.Query;

/**
 * One delivery of a stream entry to this worker: the entry id, the query it carries, and how many times the group has
 * delivered it so far (1 on the first read; claims from dead workers add one each).
 */
public record Delivery(String entryId, Query query, long deliveryCount) {

    public Delivery {
        if (deliveryCount < 1) {
            throw new IllegalArgumentException("entry " + entryId + " has delivery count " + deliveryCount);
        }
    }
}
