package dev.llmq.worker.metrics;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Monitoring settings of a worker ({@code LLMQ_METRICS_*}).
 *
 * @param queueSampleInterval how often the worker reads the queue depths for its gauges (one Redis round trip each)
 * @param redisCheckTimeout how long a Redis PING may take before readiness says DOWN
 * @param redisCheckInterval how often Redis is pinged in the background for {@code llmq.redis.up}
 */
@ConfigurationProperties("llmq.metrics")
public record MetricsProperties(
        @DefaultValue("15s") Duration queueSampleInterval,
        @DefaultValue("1s") Duration redisCheckTimeout,
        @DefaultValue("10s") Duration redisCheckInterval) {

    public MetricsProperties {
        if (!queueSampleInterval.isPositive() || !redisCheckTimeout.isPositive() || !redisCheckInterval.isPositive()) {
            throw new IllegalArgumentException(
                    "LLMQ_METRICS_QUEUE_SAMPLE_INTERVAL, LLMQ_METRICS_REDIS_CHECK_TIMEOUT and"
                            + " LLMQ_METRICS_REDIS_CHECK_INTERVAL must be positive");
        }
    }
}
