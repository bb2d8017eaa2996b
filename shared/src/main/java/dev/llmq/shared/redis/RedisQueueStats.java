package dev.llmq.shared.redis;

import dev.llmq.shared.query.Priority;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamGroup;
import org.redisson.client.codec.StringCodec;

/**
 * Reads the queue depths with one pipeline of eight cheap commands: {@code XINFO GROUPS} and {@code XLEN} per priority
 * stream, {@code ZCARD} of the retries and {@code XLEN} of the dead letters (all in the {@code {llmq}} slot).
 */
public final class RedisQueueStats implements QueueStats {

    private final RedissonClient redis;

    public RedisQueueStats(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public Sample sample() {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        Map<Priority, RFuture<List<StreamGroup>>> groups = new EnumMap<>(Priority.class);
        Map<Priority, RFuture<Long>> lengths = new EnumMap<>(Priority.class);
        for (Priority level : Priority.values()) {
            var stream = batch.<String, String>getStream(RedisKeys.queryStream(level), StringCodec.INSTANCE);
            groups.put(level, stream.listGroupsAsync());
            lengths.put(level, stream.sizeAsync());
        }
        RFuture<Integer> retries = batch.getScoredSortedSet(RedisKeys.RETRY_SET, StringCodec.INSTANCE)
                .sizeAsync();
        RFuture<Long> deadLetters = batch.getStream(RedisKeys.DEAD_LETTER_STREAM, StringCodec.INSTANCE)
                .sizeAsync();
        batch.execute();
        Map<Priority, StreamDepth> streams = new EnumMap<>(Priority.class);
        for (Priority level : Priority.values()) {
            streams.put(level, depth(groups.get(level).toCompletableFuture().join(), join(lengths.get(level))));
        }
        return new Sample(streams, retries.toCompletableFuture().join(), join(deadLetters));
    }

    /**
     * The worker group's lag and pending count. Redis reports no lag when it cannot compute it (Redisson reads that as
     * 0); workers delete every entry they acknowledge, so the stream's length less the pending entries is then the lag.
     */
    private static StreamDepth depth(List<StreamGroup> groups, long length) {
        for (StreamGroup group : groups) {
            if (group.getName().equals(RedisKeys.WORKER_GROUP)) {
                long pending = group.getPending();
                long lag = group.getLag() > 0 ? group.getLag() : Math.max(0, length - pending);
                return new StreamDepth(lag, pending);
            }
        }
        // no worker has created the group yet: everything in the stream waits
        return new StreamDepth(length, 0);
    }

    private static long join(RFuture<Long> reply) {
        Long value = reply.toCompletableFuture().join();
        return value == null ? 0 : value;
    }
}
