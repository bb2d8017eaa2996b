package dev.llmq.shared.redis;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.PendingEntry;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamMultiReadGroupArgs;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's view of the query stream through the consumer group. Outcomes are stored with a Lua script on the result
 * key's slot (set-if-absent, publish, clear status), then the entry is acknowledged with {@code XACK}+{@code XDEL} on
 * the stream, so no command spans two slots and Redis Cluster works. With {@link BatchedAcknowledgements}, entries are
 * handed to it once their outcome is confirmed stored and acknowledged together. Without, on one server both go in one
 * pipeline, which that server runs in order; on a cluster they live on different primaries that would run them in any
 * order, so the entry is acknowledged only after its outcome is confirmed stored (an acknowledged entry without an
 * outcome would be lost). When every primary of the cluster has a replica, "confirmed" means a replica has it too
 * ({@code WAIT 1} after the script): replication is asynchronous, and an outcome on a primary that fails over before
 * passing it on is lost while the entry's acknowledgement, on another primary, would stand. An outcome no replica
 * confirmed in time leaves its entry pending, to be acknowledged by whoever reclaims it.
 */
public final class RedisWorkQueue implements WorkQueue {

    private static final Logger log = LoggerFactory.getLogger(RedisWorkQueue.class);

    /** How long a finish on a cluster with replicas waits for one to confirm the outcome ({@code WAIT}). */
    private static final Duration REPLICA_WAIT = Duration.ofSeconds(1);

    /** How often a worker on a cluster looks again whether every primary has a replica. */
    private static final Duration REPLICAS_LOOKUP = Duration.ofSeconds(5);

    private final RedissonClient redis;
    private final String consumer;
    private final Duration resultTtl;
    private final EntryDecoder decoder;
    private final PriorityShares shares;
    private final boolean oneServer;
    private final @Nullable BatchedAcknowledgements acknowledgements;
    /** On a cluster: whether its primaries have replicas, so that outcomes are first confirmed by one (null: no). */
    private final @Nullable ClusterReplicas replicas;
    /**
     * Whether the last read found a stream with more than it took (or there was no read yet): then reads follow the
     * weighted shares.
     */
    private volatile boolean backlogged = true;

    public RedisWorkQueue(RedissonClient redis, String consumer, Duration resultTtl) {
        this(redis, consumer, resultTtl, new PriorityShares(PriorityShares.DEFAULT_WEIGHTS));
    }

    public RedisWorkQueue(RedissonClient redis, String consumer, Duration resultTtl, PriorityShares shares) {
        this(redis, consumer, resultTtl, shares, null);
    }

    /**
     * With {@code acknowledgements}, finished entries are acknowledged and deleted by it, together with others,
     * instead of in each finish's own round trip (null: each finish acknowledges its entry).
     */
    public RedisWorkQueue(
            RedissonClient redis,
            String consumer,
            Duration resultTtl,
            PriorityShares shares,
            @Nullable BatchedAcknowledgements acknowledgements) {
        this.acknowledgements = acknowledgements != null && acknowledgements.batches() ? acknowledgements : null;
        this.redis = redis;
        this.consumer = consumer;
        this.resultTtl = resultTtl;
        this.decoder = new EntryDecoder(redis, consumer);
        this.shares = shares;
        this.oneServer = !redis.getConfig().isClusterConfig();
        this.replicas = oneServer ? null : new ClusterReplicas(redis, REPLICAS_LOOKUP);
    }

    @Override
    public String consumer() {
        return consumer;
    }

    @Override
    public void ensureGroup() {
        for (Priority level : Priority.values()) {
            try {
                // from the start of the stream: queries submitted before any worker existed are read too
                stream(level)
                        .createGroup(StreamCreateGroupArgs.name(RedisKeys.WORKER_GROUP)
                                .id(StreamMessageId.ALL)
                                .makeStream());
            } catch (RedisException ex) {
                if (!String.valueOf(ex.getMessage()).contains("BUSYGROUP")) {
                    throw ex;
                }
            }
        }
    }

    /**
     * Reads with one {@code XREADGROUP} over the three streams (up to a third of {@code max} from each, blocking when
     * all are empty) while the previous read drained them: there is no backlog whose shares to enforce, and a lightly
     * loaded worker sends one command per read instead of three or four (the first read of a burst takes up to a third
     * of the free slots from each stream, as a worker woken from a blocking read always did). Once a stream gave its
     * full third (a backlog), on a worker's first read, or with fewer than three free slots, it offers each priority
     * stream its weighted share of {@code max} in one pipelined round of non-blocking reads, gives the shares of
     * streams that ran dry to the others (highest first), and blocks on all three streams only when none had anything,
     * until a read finds the backlog gone.
     */
    @Override
    public List<Delivery> read(int max, Duration block) {
        try {
            if (!backlogged && max >= 3) {
                return readAll(max, block);
            }
            int[] plan = shares.plan(max);
            boolean[] mayHaveMore = new boolean[3];
            List<Delivery> deliveries = readPlanned(plan, mayHaveMore);
            for (Priority level : Priority.values()) {
                int left = max - deliveries.size();
                if (left > 0 && (plan[level.ordinal()] == 0 || mayHaveMore[level.ordinal()])) {
                    deliveries.addAll(readNow(level, left));
                }
            }
            backlogged = deliveries.size() >= max;
            return deliveries.isEmpty() && !block.isZero() ? readAll(max, block) : deliveries;
        } catch (RedisException ex) {
            if (!String.valueOf(ex.getMessage()).contains("NOGROUP")) {
                throw ex;
            }
            log.warn("The consumer group {} is gone (Redis lost its data?); creating it again", RedisKeys.WORKER_GROUP);
            ensureGroup();
            return List.of();
        }
    }

    private List<Delivery> readPlanned(int[] plan, boolean[] mayHaveMore) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        List<RFuture<Map<StreamMessageId, Map<String, String>>>> replies = new ArrayList<>();
        for (Priority level : Priority.values()) {
            int count = plan[level.ordinal()];
            replies.add(
                    count == 0
                            ? null
                            : batch.<String, String>getStream(RedisKeys.queryStream(level), StringCodec.INSTANCE)
                                    .readGroupAsync(
                                            RedisKeys.WORKER_GROUP,
                                            consumer,
                                            StreamReadGroupArgs.neverDelivered().count(count)));
        }
        if (replies.stream().allMatch(Objects::isNull)) {
            return new ArrayList<>();
        }
        batch.execute();
        List<Delivery> deliveries = new ArrayList<>();
        for (Priority level : Priority.values()) {
            var reply = replies.get(level.ordinal());
            if (reply != null) {
                Map<StreamMessageId, Map<String, String>> entries =
                        reply.toCompletableFuture().join();
                mayHaveMore[level.ordinal()] = entries.size() == plan[level.ordinal()];
                deliveries.addAll(decoder.decode(level, entries, Map.of()));
            }
        }
        return deliveries;
    }

    private List<Delivery> readNow(Priority level, int max) {
        return decoder.decode(
                level,
                stream(level)
                        .readGroup(
                                RedisKeys.WORKER_GROUP,
                                consumer,
                                StreamReadGroupArgs.neverDelivered().count(max)),
                Map.of());
    }

    /**
     * Reads all three streams with one command, blocking up to {@code block} (zero: not at all) when all are empty.
     * Each stream may return up to a third of {@code max} (at least one), so a worker with fewer than three free slots
     * may get up to two entries more than it asked for. Notes a backlog when a stream returned its full third.
     */
    private List<Delivery> readAll(int max, Duration block) {
        int perStream = Math.max(1, max / 3);
        StreamMultiReadGroupArgs args = StreamMultiReadGroupArgs.greaterThan(
                        StreamMessageId.NEVER_DELIVERED,
                        RedisKeys.QUERY_STREAM,
                        StreamMessageId.NEVER_DELIVERED,
                        RedisKeys.LOW_PRIORITY_STREAM,
                        StreamMessageId.NEVER_DELIVERED)
                .count(perStream);
        if (!block.isZero()) {
            args = args.timeout(block);
        }
        Map<String, Map<StreamMessageId, Map<String, String>>> entries =
                stream(Priority.HIGH).readGroup(RedisKeys.WORKER_GROUP, consumer, args);
        List<Delivery> deliveries = new ArrayList<>();
        boolean full = false;
        for (Priority level : Priority.values()) {
            var read = entries.get(RedisKeys.queryStream(level));
            if (read != null) {
                full |= read.size() >= perStream;
                deliveries.addAll(decoder.decode(level, read, Map.of()));
            }
        }
        backlogged = full;
        return deliveries;
    }

    private RStream<String, String> stream(Priority level) {
        return redis.getStream(RedisKeys.queryStream(level), StringCodec.INSTANCE);
    }

    /**
     * Marks the query running with one {@code SET ... XX}: its status record exists only while no outcome is stored
     * (whatever stores an outcome deletes the record in the same script), so a record that could be overwritten proves
     * there was no outcome at that moment. Only when it is gone (an outcome stored, or the record expired or lost) is
     * the result key read; with no outcome there either the query is unknown, and the id counter is raised past its id
     * as {@link #finish} does for an unknown query's outcome.
     */
    @Override
    public Begun begin(Delivery delivery, Instant startedAt) {
        Query query = delivery.query();
        boolean marked = redis.<String>getBucket(RedisKeys.statusKey(query.id()), StringCodec.INSTANCE)
                .setIfExists(StatusRecord.running(query, startedAt), resultTtl);
        if (marked) {
            return new Begun.Running();
        }
        String stored = redis.<String>getBucket(RedisKeys.resultKey(query.id()), StringCodec.INSTANCE)
                .get();
        if (stored != null) {
            return new Begun.Finished(stored);
        }
        log.warn(
                "query={} entry={} is unknown to Redis (no status record and no outcome: submitted on a primary that"
                        + " failed over before passing it on, or queued past its result TTL); not processed",
                query.id(),
                delivery.entryId());
        Scripts.raiseIdCounter(redis.getScript(StringCodec.INSTANCE), query.id())
                .toCompletableFuture()
                .join();
        return new Begun.Unknown();
    }

    @Override
    public boolean finish(Delivery delivery, Outcome outcome, boolean answerStreamed) {
        // an earlier delivery (a dead worker's) or attempt may have left one
        boolean partialAnswer = answerStreamed
                || delivery.deliveryCount() > 1
                || delivery.query().attempt() > 1;
        boolean replicated = replicas != null && replicas.everyPrimaryHasOne();
        RBatch batch =
                redis.createBatch(replicated ? BatchOptions.defaults().sync(1, REPLICA_WAIT) : BatchOptions.defaults());
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
                        Long.toString(resultTtl.toMillis()),
                        partialAnswer ? "1" : "0");
        RFuture<Boolean> uncounted = null;
        if (delivery.query().inFlightCounted()) {
            String member = Long.toString(outcome.id().value());
            String key = RedisKeys.tenantInFlightKey(outcome.tenant());
            if (replicated) {
                // apart, so that the batch's WAIT answers for the outcome's primary alone
                uncounted = redis.<String>getScoredSortedSet(key, StringCodec.INSTANCE)
                        .removeAsync(member);
            } else {
                batch.<String>getScoredSortedSet(key, StringCodec.INSTANCE).removeAsync(member);
            }
        }
        if (oneServer && acknowledgements == null) {
            acknowledgeAndDelete(batch, delivery.entryId());
        }
        BatchResult<?> result = batch.execute();
        if (uncounted != null) {
            uncounted.toCompletableFuture().join();
        }
        long reply = stored.toCompletableFuture().join();
        if (reply == -1L) {
            forgotten(delivery, outcome);
            return false;
        }
        boolean first = reply == 1L;
        if (replicated && result.getSyncedSlaves() < 1) {
            replicas.lookAgain();
            log.warn(
                    "query={} entry={} outcome stored, but no replica confirmed it within {}: the entry stays pending"
                            + " (a failover now would lose the outcome with the primary) and is acknowledged when"
                            + " reclaimed",
                    outcome.id(),
                    delivery.entryId(),
                    REPLICA_WAIT);
            return first;
        }
        if (acknowledgements != null || !oneServer) {
            discard(delivery);
        }
        return first;
    }

    /**
     * Redis does not know the query (see {@link Scripts#FINISH}): its outcome is dropped, the counter raised past its
     * id so no other query gets it, and its entry acknowledged.
     */
    private void forgotten(Delivery delivery, Outcome outcome) {
        log.warn(
                "query={} entry={} is unknown to Redis (no status record and no outcome: submitted on a primary that"
                        + " failed over before passing it on, or unfinished past its result TTL); its outcome is not"
                        + " stored",
                outcome.id(),
                delivery.entryId());
        Scripts.raiseIdCounter(redis.getScript(StringCodec.INSTANCE), outcome.id())
                .toCompletableFuture()
                .join();
        if (!oneServer || acknowledgements != null) {
            discard(delivery);
        }
    }

    @Override
    public boolean retryLater(Delivery delivery, Query next, Instant due) {
        // a query waiting for its retry shows as queued again (if its status record still exists): on one server in the
        // same script, so that no worker can take the retry and mark it running before; on a cluster the record is in
        // another slot and follows in a second round trip, only once the retry is scheduled, so that a worker whose
        // entry was reclaimed does not overwrite its new owner's status
        String statusKey = RedisKeys.statusKey(next.id());
        List<Object> keys = new ArrayList<>(List.of(EntryIds.streamKeyOf(delivery.entryId()), RedisKeys.RETRY_SET));
        List<Object> args = new ArrayList<>(List.of(
                RedisKeys.WORKER_GROUP,
                consumer,
                EntryIds.idOf(delivery.entryId()).toString(),
                Long.toString(due.toEpochMilli()),
                ProtocolJson.encode(next)));
        if (oneServer) {
            keys.add(statusKey);
            args.add(StatusRecord.queuedAgain(next));
            args.add(Long.toString(resultTtl.toMillis()));
        }
        Long scheduled = redis.getScript(StringCodec.INSTANCE)
                .eval(RScript.Mode.READ_WRITE, Scripts.SCHEDULE_RETRY, RScript.ReturnType.LONG, keys, args.toArray());
        if (scheduled == null || scheduled != 1L) {
            // the entry is no longer this worker's: whoever holds it now keeps the status it gave
            return false;
        }
        if (!oneServer) {
            redis.<String>getBucket(statusKey, StringCodec.INSTANCE)
                    .setIfExists(StatusRecord.queuedAgain(next), resultTtl);
        }
        return true;
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
        if (acknowledgements != null) {
            acknowledgements.add(delivery.entryId(), delivery.query().id());
            return;
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        acknowledgeAndDelete(batch, delivery.entryId());
        batch.execute();
    }

    private void acknowledgeAndDelete(RBatch batch, String entryId) {
        var batchStream = batch.<String, String>getStream(EntryIds.streamKeyOf(entryId), StringCodec.INSTANCE);
        StreamMessageId id = EntryIds.idOf(entryId);
        batchStream.ackAsync(RedisKeys.WORKER_GROUP, id);
        batchStream.removeAsync(id);
    }

    @Override
    public Set<String> keepAlive(Collection<String> entryIds) {
        if (entryIds.isEmpty()) {
            return Set.of();
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        List<RFuture<List<Object>>> replies = new ArrayList<>();
        byStream(entryIds)
                .forEach((level, ids) -> replies.add(batch.getScript(StringCodec.INSTANCE)
                        .evalAsync(
                                RScript.Mode.READ_WRITE,
                                Scripts.KEEP_ALIVE,
                                RScript.ReturnType.LIST,
                                List.of(RedisKeys.queryStream(level)),
                                groupConsumerAnd(level, ids))));
        batch.execute();
        Set<String> lost = new HashSet<>();
        for (int i = 0; i < replies.size(); i++) {
            for (Object entryId : replies.get(i).toCompletableFuture().join()) {
                lost.add(entryId.toString());
            }
        }
        return lost;
    }

    @Override
    public List<Delivery> claimAbandoned(Duration minIdle, int max, Set<String> inFlight) {
        List<Delivery> claimed = new ArrayList<>();
        for (Priority level : Priority.values()) {
            if (claimed.size() < max) {
                claimed.addAll(claimAbandoned(level, minIdle, max - claimed.size(), inFlight));
            }
        }
        return claimed;
    }

    private List<Delivery> claimAbandoned(Priority level, Duration minIdle, int max, Set<String> inFlight) {
        List<PendingEntry> idle = stream(level)
                .listPending(
                        RedisKeys.WORKER_GROUP,
                        StreamMessageId.MIN,
                        StreamMessageId.MAX,
                        minIdle.toMillis(),
                        TimeUnit.MILLISECONDS,
                        max);
        List<StreamMessageId> abandoned = new ArrayList<>();
        Map<String, Long> deliveries = new HashMap<>();
        for (PendingEntry entry : idle) {
            String entryId = EntryIds.of(level, entry.getId());
            if (!inFlight.contains(entryId)) {
                abandoned.add(entry.getId());
                deliveries.put(entryId, entry.getDeliveryCount() + 1);
            }
        }
        if (abandoned.isEmpty()) {
            return List.of();
        }
        // XCLAIM with min-idle claims only entries still idle: an owner that just refreshed keeps its entry
        Map<StreamMessageId, Map<String, String>> claimed = stream(level)
                .claim(
                        RedisKeys.WORKER_GROUP,
                        consumer,
                        minIdle.toMillis(),
                        TimeUnit.MILLISECONDS,
                        abandoned.toArray(StreamMessageId[]::new));
        return decoder.decode(level, claimed, deliveries);
    }

    @Override
    public void release(Collection<String> entryIds) {
        if (entryIds.isEmpty()) {
            return;
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        byStream(entryIds)
                .forEach((level, ids) -> batch.getScript(StringCodec.INSTANCE)
                        .evalAsync(
                                RScript.Mode.READ_WRITE,
                                Scripts.RELEASE,
                                RScript.ReturnType.STRING,
                                List.of(RedisKeys.queryStream(level)),
                                groupConsumerAnd(level, ids)));
        batch.execute();
    }

    @Override
    public long removeIdleConsumers(Duration idleFor) {
        long removed = 0;
        for (Priority level : Priority.values()) {
            Long count = redis.getScript(StringCodec.INSTANCE)
                    .eval(
                            RScript.Mode.READ_WRITE,
                            Scripts.REMOVE_IDLE_CONSUMERS,
                            RScript.ReturnType.LONG,
                            List.of(RedisKeys.queryStream(level)),
                            RedisKeys.WORKER_GROUP,
                            Long.toString(idleFor.toMillis()),
                            consumer);
            removed += count == null ? 0 : count;
        }
        return removed;
    }

    private static Map<Priority, List<String>> byStream(Collection<String> entryIds) {
        Map<Priority, List<String>> byStream = new EnumMap<>(Priority.class);
        for (String entryId : entryIds) {
            byStream.computeIfAbsent(EntryIds.streamOf(entryId), level -> new ArrayList<>())
                    .add(entryId);
        }
        return byStream;
    }

    /**
     * The ARGV of the per-entry scripts: group, consumer, then the entry ids as Redis knows them; the scripts answer
     * with the same ids, which {@link #keepAlive} maps back by the stream's prefix.
     */
    private Object[] groupConsumerAnd(Priority level, List<String> entryIds) {
        List<Object> args = new ArrayList<>(entryIds.size() + 3);
        args.add(RedisKeys.WORKER_GROUP);
        args.add(consumer);
        args.add(level == Priority.NORMAL ? "" : level.wireName() + ":");
        for (String entryId : entryIds) {
            args.add(EntryIds.idOf(entryId).toString());
        }
        return args.toArray();
    }
}
