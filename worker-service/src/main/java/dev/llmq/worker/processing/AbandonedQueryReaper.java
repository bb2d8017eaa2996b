package dev.llmq.worker.processing;

import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovers orphaned work: claims stream entries idle longer than the reclaim timeout (their worker died, froze or
 * gave them back) into this worker's free slots. Live owners refresh their entries, so only orphans are idle that long.
 */
final class AbandonedQueryReaper {

    private static final Logger log = LoggerFactory.getLogger(AbandonedQueryReaper.class);
    private static final int MAX_PER_ROUND = 100;

    private final WorkQueue queue;
    private final InFlightQueries inFlight;
    private final Duration reclaimAfter;
    private final Consumer<Delivery> process;

    AbandonedQueryReaper(WorkQueue queue, InFlightQueries inFlight, Duration reclaimAfter, Consumer<Delivery> process) {
        this.queue = queue;
        this.inFlight = inFlight;
        this.reclaimAfter = reclaimAfter;
        this.process = process;
    }

    void reap() {
        int slots = inFlight.tryReserve(MAX_PER_ROUND);
        if (slots == 0) {
            return;
        }
        List<Delivery> claimed;
        try {
            claimed = queue.claimAbandoned(reclaimAfter, slots, inFlight.entryIds());
        } catch (RuntimeException ex) {
            inFlight.unreserve(slots);
            log.warn("Cannot look for abandoned queries: {}", ex.getMessage());
            return;
        }
        inFlight.unreserve(slots - claimed.size());
        for (Delivery delivery : claimed) {
            log.warn(
                    "query={} entry={} reclaimed from a dead or stopped worker (delivery {})",
                    delivery.query().id(),
                    delivery.entryId(),
                    delivery.deliveryCount());
            process.accept(delivery);
        }
    }
}
