package dev.llmq.shared.redis;

import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TraceParent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;

/**
 * Submits queries with one {@code INCR} and one pipelined status record ({@code SET ... PX}) + {@code XADD}; an
 * idempotency key is checked and recorded by the same script that appends the entry, so concurrent repeats enqueue
 * exactly once. A tenant's in-flight cap, when set, costs one more round trip before the entry is written. On a Redis
 * Cluster the status record and the stream live on different primaries, which would run one pipeline's parts in any
 * order, so the status is written first: a worker that read the entry before its status existed would mark nothing
 * running, and the late status would outlive the outcome. Each query carries the trace context current when it is
 * submitted, if any.
 */
public final class RedisQueryQueue implements QueryQueue {

    private final RedissonClient redis;
    private final Clock clock;
    private final Duration statusTtl;
    private final boolean oneServer;
    private final Supplier<@Nullable TraceParent> currentTrace;
    private final ReplicaConfirmation confirmation;
    private final Consumer<Query> issued;

    /** {@code statusTtl} bounds how long an unfinished query's status is kept; use the result TTL. */
    public RedisQueryQueue(RedissonClient redis, Clock clock, Duration statusTtl) {
        this(redis, clock, statusTtl, () -> null);
    }

    /** Like the other constructor; {@code currentTrace} gives the trace context to enqueue each query in (or null). */
    public RedisQueryQueue(
            RedissonClient redis, Clock clock, Duration statusTtl, Supplier<@Nullable TraceParent> currentTrace) {
        this(redis, clock, statusTtl, currentTrace, ReplicaConfirmation.NONE);
    }

    /**
     * With {@code confirmation} asked for, a submission is accepted only once that many replicas of each primary it
     * wrote to confirm its writes, the id's increment included ({@code WAIT}, up to its time each); otherwise it fails
     * with {@link ReplicaConfirmationException}. A query accepted so survives a failover; without, one accepted in a
     * failover's last moments may be lost with the old primary, and its id issued again.
     */
    public RedisQueryQueue(
            RedissonClient redis,
            Clock clock,
            Duration statusTtl,
            Supplier<@Nullable TraceParent> currentTrace,
            ReplicaConfirmation confirmation) {
        this(redis, clock, statusTtl, currentTrace, confirmation, query -> {});
    }

    /**
     * Like the other constructor; {@code issued} is called with each query once its id is issued (and it is admitted
     * under its tenant's cap), before anything of it is written: before a worker could answer it.
     */
    public RedisQueryQueue(
            RedissonClient redis,
            Clock clock,
            Duration statusTtl,
            Supplier<@Nullable TraceParent> currentTrace,
            ReplicaConfirmation confirmation,
            Consumer<Query> issued) {
        this.redis = redis;
        this.clock = clock;
        this.statusTtl = statusTtl;
        this.oneServer = !redis.getConfig().isClusterConfig();
        this.currentTrace = currentTrace;
        this.confirmation = confirmation;
        this.issued = issued;
    }

    private RBatch pipeline() {
        return confirmation.pipeline(redis);
    }

    private void executeConfirmed(RBatch batch, String what) {
        confirmation.execute(batch, what);
    }

    @Override
    public Query submit(QueryRequest request, Submission submission, int maxInFlight) {
        Query query = admit(request, submission, maxInFlight);
        RBatch batch = statusThen(query);
        batch.<String, String>getStream(RedisKeys.queryStream(query.priority()), StringCodec.INSTANCE)
                .addAsync(StreamAddArgs.entry(RedisKeys.QUERY_FIELD, ProtocolJson.encode(query)));
        executeConfirmed(batch, "query " + query.id());
        return query;
    }

    @Override
    public IdempotentSubmission submitOnce(
            QueryRequest request,
            Submission submission,
            int maxInFlight,
            String idempotencyKey,
            String fingerprint,
            Duration window) {
        String key = RedisKeys.idempotencyKey(submission.tenant(), idempotencyKey);
        if (maxInFlight > 0) {
            // a repeat is answered even when the tenant is at its cap: it asks for nothing new
            String recorded = redis.<String>getBucket(key, StringCodec.INSTANCE).get();
            if (recorded != null) {
                return earlier(recorded, fingerprint);
            }
        }
        Query query = admit(request, submission, maxInFlight);
        RBatch batch = statusThen(query);
        var earlier = batch.getScript(StringCodec.INSTANCE)
                .<String>evalAsync(
                        RScript.Mode.READ_WRITE,
                        Scripts.ENQUEUE_ONCE,
                        RScript.ReturnType.VALUE,
                        List.of(key, RedisKeys.queryStream(query.priority())),
                        fingerprint + ":" + query.id().value(),
                        Long.toString(window.toMillis()),
                        RedisKeys.QUERY_FIELD,
                        ProtocolJson.encode(query));
        executeConfirmed(batch, "query " + query.id());
        String recorded = earlier.toCompletableFuture().join();
        if (recorded == null) {
            return new IdempotentSubmission.Created(query);
        }
        forgetUnused(query);
        return earlier(recorded, fingerprint);
    }

    /** What an idempotency key recorded ({@code fingerprint:id}) means for a request with {@code fingerprint}. */
    private static IdempotentSubmission earlier(String recorded, String fingerprint) {
        int colon = recorded.lastIndexOf(':');
        QueryId id = QueryId.parse(recorded.substring(colon + 1));
        return recorded.substring(0, colon).equals(fingerprint)
                ? new IdempotentSubmission.Repeated(id)
                : new IdempotentSubmission.Mismatch(id);
    }

    /** Issues the id and, under a cap, counts the query against its tenant's unfinished queries. */
    private Query admit(QueryRequest request, Submission submission, int maxInFlight) {
        QueryId id = issueId();
        Instant now = clock.instant();
        Query query = Query.submitted(id, request, now, submission).withTraceParent(currentTrace.get());
        if (maxInFlight > 0) {
            Long admitted = redis.getScript(StringCodec.INSTANCE)
                    .eval(
                            RScript.Mode.READ_WRITE,
                            Scripts.ADMIT_IN_FLIGHT,
                            RScript.ReturnType.LONG,
                            List.of(RedisKeys.tenantInFlightKey(submission.tenant())),
                            Long.toString(now.toEpochMilli()),
                            Long.toString(now.plus(statusTtl).toEpochMilli()),
                            Integer.toString(maxInFlight),
                            Long.toString(id.value()));
            if (admitted == null || admitted == 0L) {
                throw new InFlightLimitException(submission.tenant(), maxInFlight);
            }
            query = query.countedInFlight();
        }
        issued.accept(query);
        return query;
    }

    /**
     * {@code INCR} of the counter. An increment lost in a failover would issue the id again, so with confirmation asked
     * for, on a cluster its own round trip waits for replicas too; on one primary the submission's pipeline raises the
     * counter to the id (a no-op unless the increment ran on a primary that has since failed over) and is confirmed
     * with it, one wait for both.
     */
    private QueryId issueId() {
        if (!confirmation.asked() || oneServer) {
            return new QueryId(redis.getAtomicLong(RedisKeys.QUERY_ID_COUNTER).incrementAndGet());
        }
        RBatch batch = pipeline();
        var issued = batch.getAtomicLong(RedisKeys.QUERY_ID_COUNTER).incrementAndGetAsync();
        executeConfirmed(batch, "the id counter's increment");
        return new QueryId(issued.toCompletableFuture().join());
    }

    /**
     * A pipeline that writes the query's status, for the entry to be added to: on one server, which runs it in order;
     * on a cluster the status is written first and a fresh pipeline returned.
     */
    private RBatch statusThen(Query query) {
        RBatch batch = pipeline();
        if (oneServer && confirmation.asked()) {
            Scripts.raiseIdCounter(batch.getScript(StringCodec.INSTANCE), query.id());
        }
        writeStatus(batch, query);
        if (oneServer) {
            return batch;
        }
        executeConfirmed(batch, "query " + query.id() + "'s status");
        return pipeline();
    }

    private void writeStatus(RBatch batch, Query query) {
        writeQueuedStatus(batch, query, statusTtl);
    }

    /** Queues a queued query's status record with its expiry: one {@code SET ... PX}. */
    static void writeQueuedStatus(RBatch batch, Query query, Duration ttl) {
        batch.<String>getBucket(RedisKeys.statusKey(query.id()), StringCodec.INSTANCE)
                .setAsync(StatusRecord.queued(query), ttl);
    }

    /** A repeat's freshly issued id was never handed out: drop its status and its place under the cap. */
    private void forgetUnused(Query query) {
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.getBucket(RedisKeys.statusKey(query.id()), StringCodec.INSTANCE).deleteAsync();
        batch.<String>getScoredSortedSet(RedisKeys.tenantInFlightKey(query.tenant()), StringCodec.INSTANCE)
                .removeAsync(Long.toString(query.id().value()));
        batch.execute();
    }
}
