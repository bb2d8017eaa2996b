package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.function.Function;
import org.redisson.api.BatchOptions;
import org.redisson.api.BatchResult;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;

/**
 * How many replicas must confirm an accepted write ({@code WAIT}) and how long to wait for them: a write so confirmed
 * survives a failover. {@link #NONE} asks for nothing (one server, or the operator's choice).
 *
 * @param replicas replicas of each primary written that must confirm (0: none)
 * @param within how long one pipeline waits for them
 */
public record ReplicaConfirmation(int replicas, Duration within) {

    /** No confirmation: a write is accepted once its primary has it. */
    public static final ReplicaConfirmation NONE = new ReplicaConfirmation(0, Duration.ZERO);

    public ReplicaConfirmation {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas to confirm a write must not be negative: " + replicas);
        }
    }

    /** Whether any replica is asked to confirm. */
    public boolean asked() {
        return replicas > 0;
    }

    /** A pipeline whose writes, with confirmation asked for, are confirmed by replicas when it runs. */
    RBatch pipeline(RedissonClient redis) {
        return redis.createBatch(asked() ? BatchOptions.defaults().sync(replicas, within) : BatchOptions.defaults());
    }

    /**
     * Runs {@code batch}, which wrote to one primary, and checks its replicas confirmed the writes if asked to.
     *
     * @throws ReplicaConfirmationException naming {@code what} when fewer replicas confirmed in time
     */
    void execute(RBatch batch, String what) {
        BatchResult<?> result = batch.execute();
        if (asked() && result.getSyncedSlaves() < replicas) {
            throw new ReplicaConfirmationException(what + " was written on the primary, but " + result.getSyncedSlaves()
                    + " of " + replicas + " replicas confirmed it within " + within);
        }
    }

    /**
     * Runs one write, which {@code write} puts on a pipeline, on the primary of its key, confirmed if asked; returns its
     * reply.
     *
     * @throws ReplicaConfirmationException naming {@code what} when fewer replicas confirmed in time
     */
    <T> T write(RedissonClient redis, Function<RBatch, RFuture<T>> write, String what) {
        RBatch batch = pipeline(redis);
        RFuture<T> reply = write.apply(batch);
        execute(batch, what);
        return reply.toCompletableFuture().join();
    }
}
