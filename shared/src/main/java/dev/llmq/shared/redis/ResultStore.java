package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;

/** Reads what Redis holds about a query: its stored outcome, else its in-progress status. */
public interface ResultStore {

    /** One round trip: the outcome if stored, else queued/running, else unknown. */
    QueryLookup lookup(QueryId id);
}
