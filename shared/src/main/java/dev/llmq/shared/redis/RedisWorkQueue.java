package dev.llmq.shared.redis;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.PendingEntry;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's view of the query stream through the consumer group. Outcomes are stored with a Lua script on the result
 * key's slot (set-if-absent, publish, clear status) pipelined with {@code XACK}+{@code XDEL} on the stream, so no
 * command spans two slots and Redis Cluster works.
 */
public final class RedisWorkQueue implements WorkQueue {

    private static final Logger log = LoggerFactory.getLogger(RedisWorkQueue.class);

    private final RedissonClient redis;
    private final RStream<String, String> stream;
    private final String consumer;
    private final Duration resultTtl;
    private final EntryDecoder decoder;

    public RedisWorkQueue(RedissonClient redis, String consumer, Duration resultTtl) {
        this.redis = redis;
        this.stream = redis.getStream(RedisKeys.QUERY_STREAM, StringCodec.INSTANCE);
        this.consumer = consumer;
        this.resultTtl = resultTtl;
        this.decoder = new EntryDecoder(redis, consumer);
    }

    @Override
    public String consumer() {
        return consumer;
    }

    @Override
    public void ensureGroup() {
        try {
            // from the start of the stream: queries submitted before any worker existed are read too
            stream.createGroup(StreamCreateGroupArgs.name(RedisKeys.WORKER_GROUP)
                    .id(StreamMessageId.ALL)
                    .makeStream());
        } catch (RedisException ex) {
            if (!String.valueOf(ex.getMessage()).contains("BUSYGROUP")) {
                throw ex;
            }
        }
    }

    @Override
    public List<Delivery> read(int max, Duration block) {
        Map<StreamMessageId, Map<String, String>> entries;
        try {
            entries = stream.readGroup(
                    RedisKeys.WORKER_GROUP,
                    consumer,
                    StreamReadGroupArgs.neverDelivered().count(max).timeout(block));
        } catch (RedisException ex) {
            if (!String.valueOf(ex.getMessage()).contains("NOGROUP")) {
                throw ex;
            }
            log.warn("The consumer group {} is gone (Redis lost its data?); creating it again", RedisKeys.WORKER_GROUP);
            ensureGroup();
            return List.of();
        }
        return decoder.decode(entries, Map.of());
    }

    @Override
    public Optional<String> begin(Delivery delivery, Instant startedAt) {
        String stored = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.BEGIN,
                        RScript.ReturnType.VALUE,
                        List.of(
                                RedisKeys.resultKey(delivery.query().id()),
                                RedisKeys.statusKey(delivery.query().id())),
                        QueryStatus.RUNNING.wireName(),
                        startedAt.toString(),
                        Integer.toString(delivery.query().attempt()));
        return Optional.ofNullable(stored);
    }

    @Override
    public boolean finish(Delivery delivery, Outcome outcome) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        var stored = batch.getScript(StringCodec.INSTANCE)
                .<Long>evalAsync(
                        RScript.Mode.READ_WRITE,
                        Scripts.FINISH,
                        RScript.ReturnType.LONG,
                        List.of(
                                RedisKeys.resultKey(outcome.id()),
                                RedisKeys.statusKey(outcome.id()),
                                RedisKeys.partialAnswerKey(outcome.id())),
                        ProtocolJson.encode(outcome),
                        Long.toString(resultTtl.toMillis()));
        batch.<String>getScoredSortedSet(RedisKeys.tenantInFlightKey(outcome.tenant()), StringCodec.INSTANCE)
                .removeAsync(Long.toString(outcome.id().value()));
        acknowledgeAndDelete(batch, delivery.entryId());
        batch.execute();
        return stored.toCompletableFuture().join() == 1L;
    }

    @Override
    public void retryLater(Delivery delivery, Query next, Instant due) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.<String>getScoredSortedSet(RedisKeys.RETRY_SET, StringCodec.INSTANCE)
                .addAsync(due.toEpochMilli(), ProtocolJson.encode(next));
        batch.getScript(StringCodec.INSTANCE)
                .evalAsync(
                        RScript.Mode.READ_WRITE,
                        Scripts.MARK_QUEUED,
                        RScript.ReturnType.VALUE,
                        List.of(RedisKeys.statusKey(next.id())),
                        QueryStatus.QUEUED.wireName());
        acknowledgeAndDelete(batch, delivery.entryId());
        batch.execute();
    }

    @Override
    public int promoteDueRetries(Instant now, int max) {
        Long moved = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.PROMOTE_DUE_RETRIES,
                        RScript.ReturnType.LONG,
                        List.of(
                                RedisKeys.RETRY_SET,
                                RedisKeys.HIGH_PRIORITY_STREAM,
                                RedisKeys.QUERY_STREAM,
                                RedisKeys.LOW_PRIORITY_STREAM),
                        Long.toString(now.toEpochMilli()),
                        Integer.toString(max),
                        RedisKeys.QUERY_FIELD);
        return moved == null ? 0 : Math.toIntExact(moved);
    }

    @Override
    public void discard(Delivery delivery) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        acknowledgeAndDelete(batch, delivery.entryId());
        batch.execute();
    }

    private void acknowledgeAndDelete(RBatch batch, String entryId) {
        var batchStream = batch.<String, String>getStream(RedisKeys.QUERY_STREAM, StringCodec.INSTANCE);
        StreamMessageId id = EntryDecoder.parseId(entryId);
        batchStream.ackAsync(RedisKeys.WORKER_GROUP, id);
        batchStream.removeAsync(id);
    }

    @Override
    public Set<String> keepAlive(Collection<String> entryIds) {
        if (entryIds.isEmpty()) {
            return Set.of();
        }
        Object[] args = groupConsumerAnd(entryIds);
        List<Object> lost = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.KEEP_ALIVE,
                        RScript.ReturnType.LIST,
                        List.of(RedisKeys.QUERY_STREAM),
                        args);
        Set<String> result = new HashSet<>();
        for (Object entryId : lost) {
            result.add(entryId.toString());
        }
        return result;
    }

    @Override
    public List<Delivery> claimAbandoned(Duration minIdle, int max, Set<String> inFlight) {
        List<PendingEntry> idle = stream.listPending(
                RedisKeys.WORKER_GROUP,
                StreamMessageId.MIN,
                StreamMessageId.MAX,
                minIdle.toMillis(),
                TimeUnit.MILLISECONDS,
                max);
        List<StreamMessageId> abandoned = new ArrayList<>();
        Map<String, Long> deliveries = new HashMap<>();
        for (PendingEntry entry : idle) {
            if (!inFlight.contains(entry.getId().toString())) {
                abandoned.add(entry.getId());
                deliveries.put(entry.getId().toString(), entry.getDeliveryCount() + 1);
            }
        }
        if (abandoned.isEmpty()) {
            return List.of();
        }
        // XCLAIM with min-idle claims only entries still idle: an owner that just refreshed keeps its entry
        Map<StreamMessageId, Map<String, String>> claimed = stream.claim(
                RedisKeys.WORKER_GROUP,
                consumer,
                minIdle.toMillis(),
                TimeUnit.MILLISECONDS,
                abandoned.toArray(StreamMessageId[]::new));
        return decoder.decode(claimed, deliveries);
    }

    @Override
    public void release(Collection<String> entryIds) {
        if (entryIds.isEmpty()) {
            return;
        }
        Object[] args = groupConsumerAnd(entryIds);
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.RELEASE,
                        RScript.ReturnType.STRING,
                        List.of(RedisKeys.QUERY_STREAM),
                        args);
    }

    @Override
    public long removeIdleConsumers(Duration idleFor) {
        Long removed = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.REMOVE_IDLE_CONSUMERS,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.QUERY_STREAM),
                        RedisKeys.WORKER_GROUP,
                        Long.toString(idleFor.toMillis()),
                        consumer);
        return removed == null ? 0 : removed;
    }

    /** The ARGV of the per-entry scripts: group, consumer, then the entry ids. */
    private Object[] groupConsumerAnd(Collection<String> entryIds) {
        List<Object> args = new ArrayList<>(entryIds.size() + 2);
        args.add(RedisKeys.WORKER_GROUP);
        args.add(consumer);
        args.addAll(entryIds);
        return args.toArray();
    }
}
