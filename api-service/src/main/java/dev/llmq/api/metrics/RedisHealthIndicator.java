package dev.llmq.api.metrics;

import dev.llmq.shared.monitoring.RedisHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Readiness needs Redis: UP when it answers a PING within the check's timeout. */
public final class RedisHealthIndicator implements HealthIndicator {

    private final RedisHealth redis;

    public RedisHealthIndicator(RedisHealth redis) {
        this.redis = redis;
    }

    @Override
    public Health health() {
        return redis.check()
                ? Health.up().build()
                : Health.down()
                        .withDetail("reason", "Redis did not answer a PING within " + redis.timeout())
                        .build();
    }
}
