package dev.llmq.worker.processing;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.Delivery;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The queries this worker is processing, each on its own virtual thread, bounded by a fixed number of slots. Slots are
 * reserved before reading the stream, so the worker never holds entries it has no room for (but for the few a
 * blocking read may return beyond them, which wait for a slot). A cancelled query's thread is told so and
 * interrupted, which aborts its LLM call.
 */
final class InFlightQueries {

    private final int capacity;
    private final Semaphore slots;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** One query being processed: its thread, and whether a client cancelled it. */
    private record Running(QueryId id, TenantId tenant, Thread thread, AtomicBoolean cancelled) {

        void cancel() {
            cancelled.set(true);
            thread.interrupt();
        }
    }

    InFlightQueries(int capacity) {
        this.capacity = capacity;
        this.slots = new Semaphore(capacity);
    }

    /** Waits up to {@code wait} for a free slot, then takes every free slot up to {@code max}; returns how many. */
    int reserve(int max, Duration wait) throws InterruptedException {
        if (!slots.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return 0;
        }
        return 1 + tryReserve(max - 1);
    }

    /** Takes up to {@code max} free slots without waiting; returns how many. */
    int tryReserve(int max) {
        int taken = 0;
        while (taken < max && slots.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    void unreserve(int count) {
        if (count > 0) {
            slots.release(count);
        }
    }

    /**
     * Runs {@code work} for a delivery on a new virtual thread, in a slot reserved before (or, when
     * {@code slotReserved} is false, in the next slot that frees); {@code work} gets a signal that says whether the
     * query was cancelled.
     */
    void run(Delivery delivery, boolean slotReserved, BiConsumer<Delivery, BooleanSupplier> work) {
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread thread = Thread.ofVirtual()
                .name("query-" + delivery.query().id())
                .unstarted(() -> {
                    try {
                        if (!slotReserved) {
                            slots.acquireUninterruptibly();
                        }
                        work.accept(delivery, cancelled::get);
                    } finally {
                        running.remove(delivery.entryId());
                        slots.release();
                    }
                });
        running.put(
                delivery.entryId(),
                new Running(delivery.query().id(), delivery.query().tenant(), thread, cancelled));
        thread.start();
    }

    /** Aborts the processing of a query if this worker holds it; returns its tenant if it did. */
    Optional<TenantId> cancel(QueryId id) {
        TenantId found = null;
        for (Running query : running.values()) {
            if (query.id().equals(id)) {
                query.cancel();
                found = query.tenant();
            }
        }
        return Optional.ofNullable(found);
    }

    Set<String> entryIds() {
        return Set.copyOf(running.keySet());
    }

    int size() {
        return running.size();
    }

    int capacity() {
        return capacity;
    }

    /** Waits until nothing is in flight or {@code timeout} passed; returns whether it drained. */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return running.isEmpty();
    }

    /** Interrupts what is still running (used once the shutdown grace is over). */
    void interruptAll() {
        running.values().forEach(query -> query.thread().interrupt());
    }
}
