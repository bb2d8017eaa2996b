package dev.llmq.e2e.chaos;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a {@link FaultProxy} currently does to the bytes it forwards: how long each chunk is held per direction, and
 * whether nothing passes at all (a blackhole). Pipes wait here until a chunk may be delivered.
 */
final class LinkFaults {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long toTargetNanos;
    private long toClientNanos;
    private boolean blackholed;

    /** The delay for a chunk read now, travelling {@code toTarget} (client to target) or back. */
    long latencyNanos(boolean toTarget) {
        lock.lock();
        try {
            return toTarget ? toTargetNanos : toClientNanos;
        } finally {
            lock.unlock();
        }
    }

    void delay(Duration toTarget, Duration toClient) {
        update(() -> {
            toTargetNanos = toTarget.toNanos();
            toClientNanos = toClient.toNanos();
        });
    }

    void blackhole(boolean on) {
        update(() -> blackholed = on);
    }

    void clear() {
        update(() -> {
            toTargetNanos = 0;
            toClientNanos = 0;
            blackholed = false;
        });
    }

    /** Blocks until {@code dueNanos} (a {@link System#nanoTime()} value) has passed and the link is not blackholed. */
    void awaitDeliverable(long dueNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                long wait = dueNanos - System.nanoTime();
                if (blackholed) {
                    changed.await();
                } else if (wait > 0) {
                    changed.await(wait, TimeUnit.NANOSECONDS);
                } else {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void update(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
