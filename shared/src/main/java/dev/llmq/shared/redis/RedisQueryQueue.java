package dev.llmq.shared.redis;

import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.QueryStatus;
import java.time.Clock;
import java.time.Duration;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/** Submits queries with one {@code INCR} and one pipelined {@code SET status}+{@code XADD}. */
public final class RedisQueryQueue implements QueryQueue {

    private final RedissonClient redis;
    private final Clock clock;
    private final Duration statusTtl;

    /** {@code statusTtl} bounds how long an unfinished query's status is kept; use the result TTL. */
    public RedisQueryQueue(RedissonClient redis, Clock clock, Duration statusTtl) {
        this.redis = redis;
        this.clock = clock;
        this.statusTtl = statusTtl;
    }

    @Override
    public Query submit(QueryRequest request) {
        QueryId id = new QueryId(redis.getAtomicLong(RedisKeys.QUERY_ID_COUNTER).incrementAndGet());
        Query query = new Query(id, request, clock.instant());
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.<String>getBucket(RedisKeys.statusKey(id), StringCodec.INSTANCE)
                .setAsync(QueryStatus.QUEUED.wireName(), statusTtl);
        batch.<String, String>getStream(RedisKeys.QUERY_STREAM, StringCodec.INSTANCE)
                .addAsync(StreamAddArgs.entry(RedisKeys.QUERY_FIELD, ProtocolJson.encode(query)));
        batch.execute();
        return query;
    }
}
