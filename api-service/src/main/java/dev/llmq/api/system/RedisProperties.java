package dev.llmq.api.system;

import dev.llmq.shared.redis.RedisEnvironment;
import dev.llmq.shared.redis.ReplicaConfirmation;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the api-service reaches Redis: {@code REDIS_URL} for one server, or {@code LLMQ_REDIS_SENTINEL_NODES} with {@code
 * LLMQ_REDIS_SENTINEL_MASTER}, or {@code LLMQ_REDIS_CLUSTER_NODES}; {@code LLMQ_REDIS_USERNAME}, {@code
 * LLMQ_REDIS_PASSWORD}, {@code LLMQ_REDIS_SENTINEL_PASSWORD}, {@code LLMQ_REDIS_TLS} and {@code LLMQ_REDIS_DATABASE}
 * (see {@link RedisEnvironment}); plus {@code LLMQ_REDIS_COMMAND_TIMEOUT} (a lost Redis makes requests fail with 503
 * after about this long), {@code LLMQ_REDIS_POOL_SIZE} (per primary) and {@code LLMQ_REDIS_CONFIRM_REPLICAS}: how many
 * replicas must confirm a submission's writes within the command timeout before it is accepted (0: none; see {@code
 * RedisQueryQueue}): queries, uploaded files, batches and their lines.
 */
@ConfigurationProperties("llmq.redis")
public record RedisProperties(
        @Nullable String url,
        @DefaultValue("1s") Duration commandTimeout,
        @DefaultValue("12") int poolSize,
        @Nullable String clusterNodes,
        @Nullable String sentinelNodes,
        @Nullable String sentinelMaster,
        @Nullable String username,
        @Nullable String password,
        @Nullable String sentinelPassword,
        @Nullable Boolean tls,
        @Nullable Integer database,
        @DefaultValue("0") int confirmReplicas) {

    /** How many replicas confirm a submission, and for how long it waits for them: the command timeout. */
    public ReplicaConfirmation confirmation() {
        return new ReplicaConfirmation(confirmReplicas, commandTimeout);
    }

    /** The settings as given, to be checked against each other when the client is built. */
    RedisEnvironment environment() {
        return new RedisEnvironment(
                url, clusterNodes, sentinelNodes, sentinelMaster, username, password, sentinelPassword, tls, database);
    }

    @Override
    public String toString() {
        return "RedisProperties[" + environment() + ", commandTimeout=" + commandTimeout + ", poolSize=" + poolSize
                + ", confirmReplicas=" + confirmReplicas + "]";
    }
}
