package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Reads what Redis holds about a query: its stored outcome, else its in-progress status. */
public interface ResultStore {

    /** One round trip: the outcome if stored, else queued/running, else unknown. */
    QueryLookup lookup(QueryId id);

    /**
     * The stored outcomes (JSON) of those of {@code ids} that have one; a lookup each here, one {@code MGET} in
     * {@link RedisResultStore}.
     */
    default Map<QueryId, String> outcomes(Collection<QueryId> ids) {
        Map<QueryId, String> stored = new HashMap<>();
        for (QueryId id : ids) {
            if (lookup(id) instanceof QueryLookup.Completed completed) {
                stored.put(id, completed.json());
            }
        }
        return stored;
    }
}
