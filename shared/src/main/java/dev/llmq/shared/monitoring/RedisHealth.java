package dev.llmq.shared.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.BaseRedisNodes;
import org.redisson.api.redisnode.RedisNodes;

/**
 * Whether Redis answers a {@code PING} within a short timeout: what readiness probes ask, and, through the last
 * answer, the gauge {@code llmq.redis.up}. A background check every {@code interval} keeps the gauge current when no
 * probe asks, so scrapes never wait for Redis.
 */
public final class RedisHealth implements MeterBinder, AutoCloseable {

    private final RedissonClient redis;
    private final Duration timeout;
    private final ScheduledExecutorService checks;
    private volatile boolean up;

    public RedisHealth(RedissonClient redis, Duration timeout, Duration interval) {
        this.redis = redis;
        this.timeout = timeout;
        this.checks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("llmq-redis-check").daemon().factory());
        long every = interval.toMillis();
        checks.scheduleWithFixedDelay(this::check, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Pings every Redis node llmq uses; true when all answered within the timeout. Never throws. */
    public boolean check() {
        boolean answered;
        try {
            answered = nodes().pingAll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException ex) {
            answered = false;
        }
        up = answered;
        return answered;
    }

    /** The result of the last check, without asking Redis. */
    public boolean lastCheckSucceeded() {
        return up;
    }

    public Duration timeout() {
        return timeout;
    }

    private BaseRedisNodes nodes() {
        if (redis.getConfig().isClusterConfig()) {
            return redis.getRedisNodes(RedisNodes.CLUSTER);
        }
        if (redis.getConfig().isSentinelConfig()) {
            return redis.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE);
        }
        return redis.getRedisNodes(RedisNodes.SINGLE);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("llmq.redis.up", this, health -> health.up ? 1 : 0)
                .description("1 when the last Redis health check (PING) succeeded, else 0")
                .register(registry);
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
