package dev.llmq.shared.monitoring;

import java.time.Duration;

/**
 * The histogram buckets of llmq's timers, so dashboards can compute percentiles and SLO shares: LLM latencies span
 * milliseconds (a cached or simulated answer) to minutes (a long generation, or a query that waited in the queue).
 */
public final class LatencyBuckets {

    /** From 5 ms to 10 min, for queue time, model time, time to first token and end-to-end time. */
    public static final Duration[] QUERY = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        Duration.ofMinutes(2),
        Duration.ofMinutes(5),
        Duration.ofMinutes(10)
    };

    /** From 0.5 ms to 5 s, for single Redis operations. */
    public static final Duration[] REDIS = {
        Duration.ofNanos(500_000),
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5)
    };

    private LatencyBuckets() {}
}
