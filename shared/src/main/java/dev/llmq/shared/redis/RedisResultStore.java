package dev.llmq.shared.redis;

import dev.llmq.shared.query.MalformedProtocolJsonException;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.TenantId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Looks up results with a pipelined {@code GET query_result_<id>} and {@code HGETALL} of the status hash. */
public final class RedisResultStore implements ResultStore {

    private final RedissonClient redis;

    public RedisResultStore(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public QueryLookup lookup(QueryId id) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.<String>getBucket(RedisKeys.resultKey(id), StringCodec.INSTANCE).getAsync();
        batch.<String, String>getMap(RedisKeys.statusKey(id), StringCodec.INSTANCE)
                .readAllMapAsync();
        List<?> replies = batch.execute().getResponses();
        if (replies.get(0) instanceof String json) {
            return new QueryLookup.Completed(json, ownerOf(json));
        }
        @SuppressWarnings("unchecked")
        Map<String, String> fields = (Map<String, String>) replies.get(1);
        QueryState state = StatusRecord.decode(id, fields);
        return state == null ? new QueryLookup.Unknown() : new QueryLookup.InProgress(state);
    }

    @Override
    public Map<QueryId, String> outcomes(Collection<QueryId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        List<QueryId> order = List.copyOf(ids);
        order.forEach(id -> batch.<String>getBucket(RedisKeys.resultKey(id), StringCodec.INSTANCE)
                .getAsync());
        List<?> replies = batch.execute().getResponses();
        Map<QueryId, String> stored = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            if (replies.get(i) instanceof String json) {
                stored.put(order.get(i), json);
            }
        }
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
