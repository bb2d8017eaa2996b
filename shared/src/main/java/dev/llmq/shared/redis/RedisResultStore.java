package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryStatus;
import java.util.List;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Looks up results with a pipelined {@code GET query_result_<id>} and {@code GET} of the status key. */
public final class RedisResultStore implements ResultStore {

    private final RedissonClient redis;

    public RedisResultStore(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public QueryLookup lookup(QueryId id) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.<String>getBucket(RedisKeys.resultKey(id), StringCodec.INSTANCE).getAsync();
        batch.<String>getBucket(RedisKeys.statusKey(id), StringCodec.INSTANCE).getAsync();
        List<?> replies = batch.execute().getResponses();
        if (replies.get(0) instanceof String json) {
            return new QueryLookup.Completed(json);
        }
        if (replies.get(1) instanceof String status) {
            return new QueryLookup.InProgress(QueryStatus.fromWireName(status));
        }
        return new QueryLookup.Unknown();
    }
}
