package dev.llmq.worker.system;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of a worker ({@code LLMQ_WORKER_*} in the environment).
 *
 * @param maxInFlight queries this worker processes at once; it reads only as many entries as it has room for
 * @param readBlock how long one read of the stream blocks when it is empty
 * @param reclaimAfter an entry idle this long belongs to a dead worker and is claimed by a live one
 * @param reapInterval how often each worker looks for such entries
 * @param maxDeliveries deliveries after which a query ends as failed instead of being tried again
 * @param shutdownGrace how long a stopping worker lets in-flight queries finish before handing them back
 * @param resultTtl how long outcomes are kept in Redis
 * @param consumerName this worker's name in the consumer group; unique per process by default
 * @param maxAttempts LLM calls per query at most; retryable failures (429, 5xx, timeouts) are retried until then
 * @param retryInitialDelay the backoff before the second attempt; it doubles for each further one
 * @param retryMaxDelay the longest backoff between attempts
 * @param retryAfterMax the longest provider {@code Retry-After} honoured
 * @param deadline how long after submission a query may still be retried or wait for provider budget; past it, it fails
 * @param priorityWeights the shares of free slots for high, normal and low priority while all have work (each ≥ 1)
 * @param ackInterval how often finished entries are acknowledged and deleted together (zero: each with its finish)
 */
@ConfigurationProperties("llmq.worker")
public record WorkerProperties(
        @DefaultValue("256") int maxInFlight,
        @DefaultValue("2s") Duration readBlock,
        @DefaultValue("10s") Duration reclaimAfter,
        @DefaultValue("2s") Duration reapInterval,
        @DefaultValue("5") int maxDeliveries,
        @DefaultValue("30s") Duration shutdownGrace,
        @DefaultValue("24h") Duration resultTtl,
        @Nullable String consumerName,
        @DefaultValue("4") int maxAttempts,
        @DefaultValue("1s") Duration retryInitialDelay,
        @DefaultValue("60s") Duration retryMaxDelay,
        @DefaultValue("5m") Duration retryAfterMax,
        @DefaultValue("1h") Duration deadline,
        @DefaultValue({"6", "3", "1"}) List<Integer> priorityWeights,
        @DefaultValue("50ms") Duration ackInterval) {

    public WorkerProperties {
        priorityWeights = List.copyOf(priorityWeights);
        if (priorityWeights.size() != 3 || priorityWeights.stream().anyMatch(weight -> weight < 1)) {
            throw new IllegalArgumentException(
                    "LLMQ_WORKER_PRIORITY_WEIGHTS must be three whole numbers of at least 1 (high,normal,low): "
                            + priorityWeights);
        }
        if (ackInterval.isNegative() || ackInterval.compareTo(reclaimAfter.dividedBy(2)) > 0) {
            throw new IllegalArgumentException(
                    "LLMQ_WORKER_ACK_INTERVAL must be between 0 and half of LLMQ_WORKER_RECLAIM_AFTER: " + ackInterval);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("LLMQ_WORKER_MAX_IN_FLIGHT must be at least 1: " + maxInFlight);
        }
        if (!deadline.isPositive()) {
            throw new IllegalArgumentException("LLMQ_WORKER_DEADLINE must be positive: " + deadline);
        }
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("LLMQ_WORKER_MAX_DELIVERIES must be at least 1: " + maxDeliveries);
        }
        if (reclaimAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("LLMQ_WORKER_RECLAIM_AFTER must be at least 1s: " + reclaimAfter);
        }
        if (readBlock.isNegative() || readBlock.isZero() || reapInterval.isNegative() || reapInterval.isZero()) {
            throw new IllegalArgumentException("LLMQ_WORKER_READ_BLOCK and LLMQ_WORKER_REAP_INTERVAL must be positive");
        }
    }

    /** How often a worker refreshes the entries it holds: well inside {@link #reclaimAfter}. */
    public Duration keepAliveInterval() {
        return reclaimAfter.dividedBy(3);
    }

    /** The consumer name to use: the configured one, or host-pid-random. */
    public String effectiveConsumerName() {
        if (consumerName != null && !consumerName.isBlank()) {
            return consumerName;
        }
        String host = System.getenv().getOrDefault("HOSTNAME", "worker");
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        return host + "-" + pid + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
