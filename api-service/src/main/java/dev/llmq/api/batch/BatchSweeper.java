package dev.llmq.api.batch;

import dev.llmq.shared.redis.BatchStore;
import dev.llmq.shared.redis.RedisFailures;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Collects finished lines of unfinished batches on every api replica, a batch at a time under its lease in Redis, so
 * two replicas never work on one batch at once and a batch a dead replica left is picked up by another.
 */
@Component
class BatchSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchSweeper.class);

    private final BatchStore store;
    private final BatchRunner runner;
    private final BatchProperties properties;
    private final String owner = "sweep-" + UUID.randomUUID();
    private volatile boolean running;
    private Thread thread;

    BatchSweeper(BatchStore store, BatchRunner runner, BatchProperties properties) {
        this.store = store;
        this.runner = runner;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofVirtual().name("batch-sweeper").start(this::sweepUntilStopped);
    }

    @Override
    public void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void sweepUntilStopped() {
        while (running) {
            try {
                sweepOnce();
                Thread.sleep(properties.batchSweepInterval());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException ex) {
                log.warn("batch sweep failed, retrying: {}", RedisFailures.describe(ex));
                try {
                    Thread.sleep(properties.batchSweepInterval());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** One pass over every active batch this replica can lease. */
    void sweepOnce() {
        for (BatchStore.BatchRef batch : store.activeBatches()) {
            if (!running) {
                return;
            }
            if (store.tryLease(batch, owner, BatchRunner.LEASE)) {
                try {
                    runner.step(batch, owner);
                } finally {
                    store.releaseLease(batch, owner);
                }
            }
        }
    }
}
