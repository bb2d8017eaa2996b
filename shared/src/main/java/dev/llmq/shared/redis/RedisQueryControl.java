package dev.llmq.shared.redis;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Stores cancelled and expired outcomes with the workers' own finish script (first stored outcome wins), so a worker
 * that finishes at the same moment cannot overwrite them, nor they it. A cancel is also published on
 * {@link RedisKeys#CANCELLATIONS_CHANNEL} for the worker holding the query to abort its LLM call; the stream entry
 * stays and is acknowledged without an LLM call by whichever worker reads it. On a Redis Cluster the channel and the
 * result key live on different primaries, so the cancel is announced only once the cancelled outcome is stored: a
 * worker hearing it first would store its own and the client's cancel would look refused. With confirmation asked for
 * ({@code LLMQ_REDIS_CONFIRM_REPLICAS}), a cancelled or expired outcome is answered only once that many replicas of
 * its primary have it: a failover right after could otherwise lose it and let a worker answer the query after all.
 */
public final class RedisQueryControl implements QueryControl {

    private final RedissonClient redis;
    private final ResultStore store;
    private final Clock clock;
    private final Duration resultTtl;
    private final ReplicaConfirmation confirmation;
    private final boolean oneServer;

    public RedisQueryControl(
            RedissonClient redis,
            ResultStore store,
            Clock clock,
            Duration resultTtl,
            ReplicaConfirmation confirmation) {
        this.redis = redis;
        this.store = store;
        this.clock = clock;
        this.resultTtl = resultTtl;
        this.confirmation = confirmation;
        this.oneServer = !redis.getConfig().isClusterConfig();
    }

    @Override
    public CancelResult cancel(QueryId id, TenantId tenant) {
        return switch (store.lookup(id)) {
            case QueryLookup.Completed completed
            when completed.tenant().equals(tenant) -> new CancelResult.AlreadyEnded(completed.json());
            case QueryLookup.InProgress inProgress
            when inProgress.tenant().equals(tenant) -> {
                QueryState state = inProgress.state();
                String json = ProtocolJson.encode(outcome(state, new Outcome.Cancelled()));
                yield store(state, json, true)
                        ? new CancelResult.Cancelled(json)
                        : new CancelResult.AlreadyEnded(storedOutcome(id));
            }
            default -> new CancelResult.NotFound();
        };
    }

    @Override
    public ExpireResult expire(QueryState state) {
        Objects.requireNonNull(state.deadline(), "only a query with a deadline expires");
        String json = ProtocolJson.encode(outcome(state, new Outcome.Expired(state.deadline())));
        return store(state, json, false)
                ? new ExpireResult.Expired(json)
                : new ExpireResult.AlreadyEnded(storedOutcome(state.id()));
    }

    private Outcome outcome(QueryState state, Outcome.Result result) {
        return new Outcome(
                state.id(),
                state.tenant(),
                state.submittedAt(),
                state.startedAt(),
                state.attempts(),
                clock.instant(),
                result);
    }

    /**
     * Stores the outcome unless one exists; returns whether this one was stored.
     *
     * @throws ReplicaConfirmationException when stored but not confirmed by the replicas asked for, in time
     */
    private boolean store(QueryState state, String json, boolean announceCancel) {
        QueryId id = state.id();
        RBatch outcome = confirmation.pipeline(redis);
        var stored = outcome.getScript(StringCodec.INSTANCE)
                .<Long>evalAsync(
                        RScript.Mode.READ_WRITE,
                        Scripts.FINISH,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.resultKey(id), RedisKeys.statusKey(id), RedisKeys.partialAnswerKey(id)),
                        json,
                        Long.toString(resultTtl.toMillis()),
                        // a worker may be streaming the answer right now
                        "1");
        // on a cluster the tenant's set and the channel may be on other primaries: their replicas must not count as
        // the outcome's, and the cancel is announced only once the outcome is stored
        RBatch after = oneServer ? outcome : redis.createBatch(BatchOptions.defaults());
        after.<String>getScoredSortedSet(RedisKeys.tenantInFlightKey(state.tenant()), StringCodec.INSTANCE)
                .removeAsync(Long.toString(id.value()));
        if (announceCancel && oneServer) {
            announceCancel(outcome, id);
        }
        confirmation.execute(outcome, "query " + id + (announceCancel ? "'s cancel" : "'s expiry"));
        boolean first = stored.toCompletableFuture().join() == 1L;
        if (!oneServer) {
            if (announceCancel && first) {
                announceCancel(after, id);
            }
            after.execute();
        }
        return first;
    }

    private static void announceCancel(RBatch batch, QueryId id) {
        batch.getTopic(RedisKeys.CANCELLATIONS_CHANNEL, StringCodec.INSTANCE).publishAsync(Long.toString(id.value()));
    }

    private String storedOutcome(QueryId id) {
        String json = redis.<String>getBucket(RedisKeys.resultKey(id), StringCodec.INSTANCE)
                .get();
        if (json == null) {
            throw new IllegalStateException("query " + id + " has no stored outcome although storing one was refused");
        }
        return json;
    }
}
