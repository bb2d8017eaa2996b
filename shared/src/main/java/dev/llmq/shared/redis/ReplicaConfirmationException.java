package dev.llmq.shared.redis;

import org.redisson.client.RedisException;

/**
 * A write reached its primary, but fewer replicas than asked for confirmed it in time ({@code WAIT}): the primary may
 * keep it, or lose it in a failover. Whoever sees this cannot tell which, so a submission failing so is retried with
 * the same idempotency key.
 */
public final class ReplicaConfirmationException extends RedisException {

    public ReplicaConfirmationException(String message) {
        super(message);
    }
}
