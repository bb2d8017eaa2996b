package dev.llmq.worker.processing;

import dev.llmq.shared.logging.QueryLogContext;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisFailures;
import dev.llmq.shared.redis.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers orphaned work: claims stream entries idle longer than the reclaim timeout (their worker died, froze or
 * gave them back) into free slots of this worker, at most once per reap interval. Live owners refresh their entries,
 * so only orphans are idle that long. The consumer loop calls it with slots it reserved, before reading new entries,
 * so recovered work goes first.
 */
final class AbandonedQueryReaper {

    private static final Logger log = LoggerFactory.getLogger(AbandonedQueryReaper.class);
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);
    private static final Duration STOPPED_CONSUMER_IDLE = Duration.ofHours(1);

    private final WorkQueue queue;
    private final Duration reclaimAfter;
    private final long intervalNanos;
    private final ProcessingMetrics metrics;
    private long nextReap = System.nanoTime();
    private long nextCleanup = System.nanoTime();

    AbandonedQueryReaper(WorkQueue queue, Duration reclaimAfter, Duration interval, ProcessingMetrics metrics) {
        this.metrics = metrics;
        this.queue = queue;
        this.reclaimAfter = reclaimAfter;
        this.intervalNanos = interval.toNanos();
    }

    /** Claims up to {@code slots} abandoned entries if a reap is due; never throws. */
    List<Delivery> reap(int slots, Set<String> inFlight) {
        long now = System.nanoTime();
        if (slots == 0 || now - nextReap < 0) {
            return List.of();
        }
        nextReap = now + intervalNanos;
        removeStoppedConsumers(now);
        try {
            List<Delivery> claimed = queue.claimAbandoned(reclaimAfter, slots, inFlight);
            for (Delivery delivery : claimed) {
                try (var logContext = QueryLogContext.open(
                        delivery.query().id(), delivery.query().tenant())) {
                    log.warn(
                            "query={} entry={} reclaimed from a dead or stopped worker (delivery {})",
                            delivery.query().id(),
                            delivery.entryId(),
                            delivery.deliveryCount());
                }
            }
            if (!claimed.isEmpty()) {
                metrics.reclaimed(claimed.size());
            }
            return claimed;
        } catch (RuntimeException ex) {
            log.warn("Cannot look for abandoned queries: {}", RedisFailures.describe(ex));
            return List.of();
        }
    }

    /** Keeps the group's consumer list bounded: every worker process joins under a new name. */
    private void removeStoppedConsumers(long now) {
        if (now - nextCleanup < 0) {
            return;
        }
        nextCleanup = now + CLEANUP_EVERY.toNanos();
        try {
            long removed = queue.removeIdleConsumers(STOPPED_CONSUMER_IDLE);
            if (removed > 0) {
                log.info("Removed {} consumers of stopped workers from the group", removed);
            }
        } catch (RuntimeException ex) {
            log.debug("Cannot clean up stopped consumers: {}", RedisFailures.describe(ex));
        }
    }
}
