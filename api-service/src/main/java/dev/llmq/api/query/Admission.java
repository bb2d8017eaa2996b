package dev.llmq.api.query;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Admission control: at most {@code LLMQ_API_MAX_CONCURRENT_REQUESTS} requests are worked on at once by this replica;
 * one more waits up to {@code LLMQ_API_ADMISSION_WAIT} for a place (first come, first served) and is otherwise refused
 * with 503 and {@code Retry-After} before any work is done for it.
 *
 * <p>Without it a replica offered more than it can serve takes everything in (request threads are virtual): every
 * request slows down together until nearly all of them time out, and so do the replica's Redis calls. The benchmark
 * saw 79 of 10,021 queries answered at 1,500 offered a second to a replica that serves 130, and 7,203 of 20,000 waits
 * sent at once refused because their first read of Redis timed out. With it the replica works at its capacity and
 * tells the rest to retry at once. A wait holds a place only while it reads Redis, not while it is parked.
 */
@Component
public class Admission {

    /** The request attribute set on a request refused for want of a place. */
    public static final String REFUSED = Admission.class.getName() + ".refused";

    private final @Nullable Semaphore places;
    private final long waitNanos;

    Admission(AdmissionProperties properties) {
        this.places = properties.maxConcurrentRequests() == 0
                ? null
                : new Semaphore(properties.maxConcurrentRequests(), true);
        this.waitNanos = properties.admissionWait().toNanos();
    }

    /** Takes a place, waiting for one if need be; call {@link #leave()} after a {@code true}. */
    public boolean enter() {
        return enter(waitNanos);
    }

    private boolean enter(long patienceNanos) {
        if (places == null) {
            return true;
        }
        try {
            return places.tryAcquire(patienceNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gives back the place {@link #enter()} took. */
    public void leave() {
        if (places != null) {
            places.release();
        }
    }

    /** Runs {@code work} in a place of its own; throws {@link OverloadedException} when none was free in time. */
    public <T> T admitted(Supplier<T> work) {
        return admitted(Duration.ZERO, work);
    }

    /**
     * Like {@link #admitted(Supplier)}, for a client that is willing to wait {@code patience} anyway (a
     * {@code GET /result?wait=}): it waits that long for a place if that is longer than {@code LLMQ_API_ADMISSION_WAIT}.
     * Thousands of waits sent at once then take their turns, instead of being refused and all coming back a second
     * later (which in the benchmark turned 20,000 waits into 335,000 refusals and kept them from ever all parking).
     */
    public <T> T admitted(Duration patience, Supplier<T> work) {
        if (!enter(Math.max(waitNanos, patience.toNanos()))) {
            throw new OverloadedException();
        }
        try {
            return work.get();
        } finally {
            leave();
        }
    }
}
