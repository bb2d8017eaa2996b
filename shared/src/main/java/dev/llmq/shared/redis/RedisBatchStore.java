package dev.llmq.shared.redis;

import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.query.TraceParent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;

/**
 * Keeps files and batches as hashes with TTLs, tenants' listings as sorted sets, and enqueues a batch's lines in
 * pipelined chunks: one {@code INCRBY} reserves the chunk's ids, then one pipeline runs the queue's enqueue-once script
 * per line with an idempotency key derived from {@code batchId:line}, so a resumed submission never duplicates a line.
 * Each line's query carries the trace context current when it is enqueued, if any.
 *
 * <p>With replica confirmation asked for, what the api answers {@code 200} for is written through {@code WAIT}: an
 * uploaded file, a batch's record and listings, and each chunk of lines (its ids' increment, statuses and entries)
 * before the chunk is recorded as submitted. A chunk no replica confirmed in time fails with {@link
 * ReplicaConfirmationException} and is submitted again, without duplicates, when the batch is resumed. On a Redis
 * Cluster each primary's writes go in a pipeline of their own, so that each {@code WAIT} answers for one primary.
 */
public final class RedisBatchStore implements BatchStore {

    /** KEYS: lease. ARGV: owner, ttl ms. Returns 1 if the owner now holds the lease. */
    private static final String LEASE = """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """;

    /** KEYS: lease. ARGV: owner. Deletes the lease if the owner holds it. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /** KEYS: batch, results, pending. ARGV: line, kind (o or e), json, ... Records each line once and counts it. */
    private static final String RECORD = """
            for i = 1, #ARGV, 3 do
              if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1] .. ARGV[i + 2]) == 1 then
                redis.call('HINCRBY', KEYS[1], ARGV[i + 1] == 'o' and 'completed' or 'failed', 1)
              end
              redis.call('HDEL', KEYS[3], ARGV[i])
            end
            return 1
            """;

    private final RedissonClient redis;
    private final Clock clock;
    private final Duration statusTtl;
    private final Duration batchTtl;
    private final boolean oneServer;
    private final Supplier<@Nullable TraceParent> currentTrace;
    private final ReplicaConfirmation confirmation;

    /** {@code statusTtl} as for the query queue (the result TTL); {@code batchTtl} bounds every batch key. */
    public RedisBatchStore(RedissonClient redis, Clock clock, Duration statusTtl, Duration batchTtl) {
        this(redis, clock, statusTtl, batchTtl, () -> null);
    }

    /** Like the other constructor; {@code currentTrace} gives the trace context to enqueue lines in (or null). */
    public RedisBatchStore(
            RedissonClient redis,
            Clock clock,
            Duration statusTtl,
            Duration batchTtl,
            Supplier<@Nullable TraceParent> currentTrace) {
        this(redis, clock, statusTtl, batchTtl, currentTrace, ReplicaConfirmation.NONE);
    }

    /** Like the other constructors; {@code confirmation}: how many replicas confirm each write the api answers for. */
    public RedisBatchStore(
            RedissonClient redis,
            Clock clock,
            Duration statusTtl,
            Duration batchTtl,
            Supplier<@Nullable TraceParent> currentTrace,
            ReplicaConfirmation confirmation) {
        this.redis = redis;
        this.confirmation = confirmation;
        this.clock = clock;
        this.statusTtl = statusTtl;
        this.batchTtl = batchTtl;
        this.oneServer = !redis.getConfig().isClusterConfig();
        this.currentTrace = currentTrace;
    }

    @Override
    public void saveFile(
            TenantId tenant,
            String fileId,
            long createdAtMillis,
            Map<String, String> meta,
            byte[] content,
            Duration ttl) {
        writeConfirmed(
                "file " + fileId,
                List.of(
                        batch -> {
                            batch.getBucket(RedisKeys.fileContentKey(tenant, fileId), ByteArrayCodec.INSTANCE)
                                    .setAsync(content, ttl);
                            var hash = batch.<String, String>getMap(
                                    RedisKeys.fileKey(tenant, fileId), StringCodec.INSTANCE);
                            hash.putAllAsync(meta);
                            hash.expireAsync(ttl);
                        },
                        batch -> list(batch, RedisKeys.tenantFilesKey(tenant), createdAtMillis, fileId, ttl)));
    }

    @Override
    public Optional<Map<String, String>> fileMeta(TenantId tenant, String fileId) {
        Map<String, String> fields = redis.<String, String>getMap(
                        RedisKeys.fileKey(tenant, fileId), StringCodec.INSTANCE)
                .readAllMap();
        return fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }

    @Override
    public Optional<byte[]> fileContent(TenantId tenant, String fileId) {
        return Optional.ofNullable(
                redis.<byte[]>getBucket(RedisKeys.fileContentKey(tenant, fileId), ByteArrayCodec.INSTANCE)
                        .get());
    }

    @Override
    public boolean deleteFile(TenantId tenant, String fileId) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        RFuture<Long> deleted = batch.getKeys()
                .deleteAsync(RedisKeys.fileKey(tenant, fileId), RedisKeys.fileContentKey(tenant, fileId));
        batch.getScoredSortedSet(RedisKeys.tenantFilesKey(tenant), StringCodec.INSTANCE)
                .removeAsync(fileId);
        batch.execute();
        return deleted.toCompletableFuture().join() > 0;
    }

    @Override
    public List<String> fileIds(TenantId tenant, int limit, @Nullable String after) {
        return page(RedisKeys.tenantFilesKey(tenant), limit, after);
    }

    @Override
    public void createBatch(
            TenantId tenant,
            String batchId,
            long createdAtMillis,
            Map<String, String> fields,
            boolean active,
            Duration ttl) {
        List<Consumer<RBatch>> writes = new ArrayList<>();
        // the record before its active entry (a sweep that found the entry without its record would drop it), the
        // tenant's listing last (where each write is confirmed in turn, one refused leaves nothing listed)
        writes.add(batch -> {
            var hash = batch.<String, String>getMap(RedisKeys.batchKey(tenant, batchId), StringCodec.INSTANCE);
            hash.putAllAsync(fields);
            hash.expireAsync(ttl);
        });
        if (active) {
            writes.add(batch -> list(
                    batch, RedisKeys.ACTIVE_BATCHES, createdAtMillis, new BatchRef(tenant, batchId).member(), ttl));
        }
        writes.add(batch -> list(batch, RedisKeys.tenantBatchesKey(tenant), createdAtMillis, batchId, ttl));
        writeConfirmed("batch " + batchId, writes);
    }

    /**
     * Runs {@code writes}, each to keys of one slot, confirmed by replicas if asked: in one pipeline on one server, in
     * a pipeline each on a cluster (their primaries may differ).
     */
    private void writeConfirmed(String what, List<Consumer<RBatch>> writes) {
        if (oneServer || !confirmation.asked()) {
            RBatch batch = confirmation.pipeline(redis);
            for (Consumer<RBatch> write : writes) {
                write.accept(batch);
            }
            confirmation.execute(batch, what);
            return;
        }
        for (Consumer<RBatch> write : writes) {
            RBatch batch = confirmation.pipeline(redis);
            write.accept(batch);
            confirmation.execute(batch, what);
        }
    }

    @Override
    public Optional<Map<String, String>> batch(TenantId tenant, String batchId) {
        Map<String, String> fields = redis.<String, String>getMap(
                        RedisKeys.batchKey(tenant, batchId), StringCodec.INSTANCE)
                .readAllMap();
        return fields.isEmpty() ? Optional.empty() : Optional.of(fields);
    }

    @Override
    public void updateBatch(TenantId tenant, String batchId, Map<String, String> fields) {
        redis.<String, String>getMap(RedisKeys.batchKey(tenant, batchId), StringCodec.INSTANCE)
                .putAll(fields);
    }

    @Override
    public List<String> batchIds(TenantId tenant, int limit, @Nullable String after) {
        return page(RedisKeys.tenantBatchesKey(tenant), limit, after);
    }

    @Override
    public List<BatchRef> activeBatches() {
        var active = redis.<String>getScoredSortedSet(RedisKeys.ACTIVE_BATCHES, StringCodec.INSTANCE);
        active.removeRangeByScore(0, true, clock.millis() - batchTtl.toMillis(), true);
        List<BatchRef> refs = new ArrayList<>();
        for (String member : active.valueRange(0, -1)) {
            int slash = member.indexOf('/');
            try {
                refs.add(new BatchRef(new TenantId(member.substring(0, slash)), member.substring(slash + 1)));
            } catch (RuntimeException ex) {
                active.remove(member);
            }
        }
        return refs;
    }

    @Override
    public void deactivate(BatchRef batch) {
        redis.getScoredSortedSet(RedisKeys.ACTIVE_BATCHES, StringCodec.INSTANCE).remove(batch.member());
    }

    @Override
    public boolean tryLease(BatchRef batch, String owner, Duration ttl) {
        Long held = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        LEASE,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.batchLeaseKey(batch.tenant(), batch.batchId())),
                        owner,
                        Long.toString(ttl.toMillis()));
        return held != null && held == 1L;
    }

    @Override
    public void releaseLease(BatchRef batch, String owner) {
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        RELEASE,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.batchLeaseKey(batch.tenant(), batch.batchId())),
                        owner);
    }

    @Override
    public List<QueryId> submitLines(
            BatchRef ref, int firstLine, List<Line> requests, Submission submission, Duration window) {
        long last = reserveIds(requests.size(), ref);
        long first = last - requests.size() + 1;
        Instant now = clock.instant();
        RBatch batch = confirmation.pipeline(redis);
        if (oneServer && confirmation.asked()) {
            // the increment may have run on a primary that failed over since: this pipeline's WAIT confirms both
            Scripts.raiseIdCounter(batch.getScript(StringCodec.INSTANCE), new QueryId(last));
        }
        List<Query> queries = new ArrayList<>();
        List<RFuture<String>> earlier = new ArrayList<>();
        TraceParent trace = currentTrace.get();
        for (int i = 0; i < requests.size(); i++) {
            Query query = Query.submitted(
                            new QueryId(first + i), requests.get(i).request(), now, submission)
                    .withTraceParent(trace);
            queries.add(query);
            if (oneServer) {
                RedisQueryQueue.writeQueuedStatus(batch, query, statusTtl);
            }
            earlier.add(batch.getScript(StringCodec.INSTANCE)
                    .evalAsync(
                            RScript.Mode.READ_WRITE,
                            Scripts.ENQUEUE_ONCE,
                            RScript.ReturnType.VALUE,
                            List.of(
                                    RedisKeys.idempotencyKey(submission.tenant(), lineKey(ref, firstLine + i)),
                                    RedisKeys.queryStream(submission.priority())),
                            "batch:" + query.id().value(),
                            Long.toString(window.toMillis()),
                            RedisKeys.QUERY_FIELD,
                            ProtocolJson.encode(query)));
        }
        String what = "batch " + ref.batchId() + "'s lines " + firstLine + "-" + (firstLine + requests.size() - 1);
        if (!oneServer) {
            // on a cluster statuses and stream live on different primaries: statuses first, as RedisQueryQueue does
            writeStatuses(queries, what);
        }
        confirmation.execute(batch, what);
        return record(ref, firstLine, requests, queries, earlier);
    }

    /**
     * {@code INCRBY} of the id counter for {@code count} ids; returns the last. On a cluster with confirmation asked,
     * confirmed on its own (an increment lost in a failover would issue the ids again); on one server the lines'
     * pipeline confirms it.
     */
    private long reserveIds(int count, BatchRef ref) {
        if (oneServer || !confirmation.asked()) {
            return redis.getAtomicLong(RedisKeys.QUERY_ID_COUNTER).addAndGet(count);
        }
        RBatch batch = confirmation.pipeline(redis);
        var last = batch.getAtomicLong(RedisKeys.QUERY_ID_COUNTER).addAndGetAsync(count);
        confirmation.execute(batch, "batch " + ref.batchId() + "'s id counter increment");
        return last.toCompletableFuture().join();
    }

    /** On a cluster: the statuses, one pipeline per primary holding some when confirmation is asked, else one. */
    private void writeStatuses(List<Query> queries, String what) {
        Collection<List<Query>> groups = confirmation.asked()
                ? ClusterShards.group(redis, queries, query -> RedisKeys.statusKey(query.id()))
                : List.of(queries);
        for (List<Query> group : groups) {
            RBatch statuses = confirmation.pipeline(redis);
            group.forEach(query -> RedisQueryQueue.writeQueuedStatus(statuses, query, statusTtl));
            confirmation.execute(statuses, what + " (statuses)");
        }
    }

    /** Records line to query id (an earlier submission's id where there was one), and drops unused statuses. */
    private List<QueryId> record(
            BatchRef ref, int firstLine, List<Line> requests, List<Query> queries, List<RFuture<String>> earlier) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        var lines = batch.<String, String>getMap(
                RedisKeys.batchQueriesKey(ref.tenant(), ref.batchId()), StringCodec.INSTANCE);
        var pending = batch.<String, String>getMap(
                RedisKeys.batchPendingKey(ref.tenant(), ref.batchId()), StringCodec.INSTANCE);
        List<QueryId> ids = new ArrayList<>();
        Map<String, String> entries = new TreeMap<>();
        for (int i = 0; i < queries.size(); i++) {
            String recorded = earlier.get(i).toCompletableFuture().join();
            QueryId id = queries.get(i).id();
            if (recorded != null) {
                batch.getBucket(RedisKeys.statusKey(id), StringCodec.INSTANCE).deleteAsync();
                id = QueryId.parse(recorded.substring(recorded.lastIndexOf(':') + 1));
            }
            ids.add(id);
            entries.put(
                    Integer.toString(firstLine + i),
                    id.value() + "\t" + requests.get(i).customId());
        }
        lines.putAllAsync(entries);
        lines.expireAsync(batchTtl);
        pending.putAllAsync(entries);
        pending.expireAsync(batchTtl);
        batch.<String, String>getMap(RedisKeys.batchKey(ref.tenant(), ref.batchId()), StringCodec.INSTANCE)
                .fastPutAsync("submitted_lines", Integer.toString(firstLine + queries.size()));
        batch.execute();
        return ids;
    }

    @Override
    public Map<Integer, Pending> pendingLines(BatchRef ref) {
        Map<Integer, Pending> pending = new TreeMap<>();
        redis.<String, String>getMap(RedisKeys.batchPendingKey(ref.tenant(), ref.batchId()), StringCodec.INSTANCE)
                .readAllMap()
                .forEach((line, value) -> {
                    int tab = value.indexOf('\t');
                    pending.put(
                            Integer.parseInt(line),
                            new Pending(QueryId.parse(value.substring(0, tab)), value.substring(tab + 1)));
                });
        return pending;
    }

    @Override
    public List<@Nullable String> outcomes(List<QueryId> ids) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        List<RFuture<String>> results = new ArrayList<>();
        List<RFuture<Boolean>> statuses = new ArrayList<>();
        for (QueryId id : ids) {
            results.add(batch.<String>getBucket(RedisKeys.resultKey(id), StringCodec.INSTANCE)
                    .getAsync());
            statuses.add(batch.getBucket(RedisKeys.statusKey(id), StringCodec.INSTANCE)
                    .isExistsAsync());
        }
        batch.execute();
        List<@Nullable String> outcomes = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String json = results.get(i).toCompletableFuture().join();
            boolean waiting = statuses.get(i).toCompletableFuture().join();
            outcomes.add(json != null ? json : waiting ? IN_PROGRESS : null);
        }
        return outcomes;
    }

    @Override
    public void recordResults(BatchRef ref, List<ResultLine> lines) {
        if (lines.isEmpty()) {
            return;
        }
        List<Object> args = new ArrayList<>();
        for (ResultLine line : lines) {
            args.add(Integer.toString(line.line()));
            args.add(line.succeeded() ? "o" : "e");
            args.add(line.json());
        }
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        RECORD,
                        RScript.ReturnType.LONG,
                        List.of(
                                RedisKeys.batchKey(ref.tenant(), ref.batchId()),
                                RedisKeys.batchResultsKey(ref.tenant(), ref.batchId()),
                                RedisKeys.batchPendingKey(ref.tenant(), ref.batchId())),
                        args.toArray());
        redis.getMap(RedisKeys.batchResultsKey(ref.tenant(), ref.batchId()), StringCodec.INSTANCE)
                .expire(batchTtl);
    }

    @Override
    public Map<Integer, ResultLine> results(BatchRef ref) {
        Map<Integer, ResultLine> results = new TreeMap<>();
        redis.<String, String>getMap(RedisKeys.batchResultsKey(ref.tenant(), ref.batchId()), StringCodec.INSTANCE)
                .readAllMap()
                .forEach((line, value) -> {
                    int number = Integer.parseInt(line);
                    results.put(number, new ResultLine(number, value.startsWith("o"), value.substring(1)));
                });
        return results;
    }

    /** Adds a member to a listing, drops members older than the TTL and keeps the listing itself bounded in time. */
    private void list(RBatch batch, String key, long createdAtMillis, String member, Duration ttl) {
        var set = batch.<String>getScoredSortedSet(key, StringCodec.INSTANCE);
        set.addAsync(createdAtMillis, member);
        set.removeRangeByScoreAsync(0, true, clock.millis() - ttl.toMillis(), true);
        set.expireAsync(ttl);
    }

    private List<String> page(String key, int limit, @Nullable String after) {
        var set = redis.<String>getScoredSortedSet(key, StringCodec.INSTANCE);
        int start = 0;
        if (after != null) {
            Integer rank = set.revRank(after);
            if (rank == null) {
                return List.of();
            }
            start = rank + 1;
        }
        return new ArrayList<>(set.valueRangeReversed(start, start + limit - 1));
    }

    /** The digest naming a line's idempotency key: the client never sees or chooses it. */
    private static String lineKey(BatchRef ref, int line) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("batch:" + ref.batchId() + ":" + line).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
