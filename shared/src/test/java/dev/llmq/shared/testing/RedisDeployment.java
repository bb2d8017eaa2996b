package dev.llmq.shared.testing;

import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisEnvironment;
import java.time.Duration;
import java.util.Map;
import org.redisson.api.RedissonClient;

/**
 * A real Redis a test runs against, whatever its topology: one server ({@link TestRedis}), a Redis Cluster ({@link
 * TestRedisCluster}) or a primary and replica watched by Sentinel ({@link TestRedisSentinel}). Contract tests take
 * this type so that one set of tests runs on each.
 */
public interface RedisDeployment extends AutoCloseable {

    /** The settings a client in this JVM uses, as {@code REDIS_URL}/{@code LLMQ_REDIS_*} would give them. */
    RedisEnvironment environment();

    /** The environment variables that point one of llmq's jars at this Redis. */
    Map<String, String> serviceEnvironment();

    /** Runs one command where its key lives (the primary holding its slot), the way {@code redis-cli -c} would. */
    Object call(String... command);

    /** Empties every primary. */
    void flushAll();

    /** A Redisson client for this Redis, built the way the services build theirs. */
    default RedissonClient connect(String clientName) {
        return RedisClients.create(environment().resolve(Duration.ofSeconds(2), 8, clientName));
    }

    @Override
    void close();
}
