package dev.llmq.shared.redis;

import dev.llmq.shared.query.MalformedProtocolJsonException;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.TenantId;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Looks up a result and, while there is none, the query's status record with one {@code MGET} (the status key is
 * hash-tagged into the result key's slot, so this holds on Redis Cluster too). Many results are read with one
 * {@code MGET} on one server; on a cluster, Redisson sends one per hash slot, pipelined by node.
 */
public final class RedisResultStore implements ResultStore {

    private final RedissonClient redis;

    public RedisResultStore(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public QueryLookup lookup(QueryId id) {
        String resultKey = RedisKeys.resultKey(id);
        String statusKey = RedisKeys.statusKey(id);
        Map<String, String> found = redis.getBuckets(StringCodec.INSTANCE).get(resultKey, statusKey);
        String json = found.get(resultKey);
        if (json != null) {
            return new QueryLookup.Completed(json, ownerOf(json));
        }
        QueryState state = StatusRecord.decode(id, found.get(statusKey));
        return state == null ? new QueryLookup.Unknown() : new QueryLookup.InProgress(state);
    }

    @Override
    public Map<QueryId, String> outcomes(Collection<QueryId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<String, QueryId> byKey = new HashMap<>();
        ids.forEach(id -> byKey.put(RedisKeys.resultKey(id), id));
        Map<String, String> found =
                redis.getBuckets(StringCodec.INSTANCE).get(byKey.keySet().toArray(String[]::new));
        Map<QueryId, String> stored = new HashMap<>();
        found.forEach((key, json) -> stored.put(byKey.get(key), json));
        return stored;
    }

    /** Outcomes stored before tenants existed, or written by hand, belong to the local tenant. */
    private static TenantId ownerOf(String json) {
        try {
            return ProtocolJson.tenantOfOutcome(json);
        } catch (MalformedProtocolJsonException ex) {
            return TenantId.LOCAL;
        }
    }
}
