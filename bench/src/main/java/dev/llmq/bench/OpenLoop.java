package dev.llmq.bench;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop load: request {@code i} is due at {@code start + i / rate} whatever happened to the earlier ones, runs
 * on its own virtual thread, and its latency is measured from when it was due (not from when it was sent), so a
 * stalled system shows up in the histogram instead of silently lowering the offered rate (no coordinated omission).
 */
final class OpenLoop {

    /** One request of the load; throws when it failed. */
    @FunctionalInterface
    interface Request {
        void run(long index) throws Exception;
    }

    /**
     * What a run measured.
     *
     * @param offered requests that were due during the run
     * @param completed requests that ended without an exception before the drain deadline
     * @param failed requests that threw
     * @param seconds from the first request's due time to the last completion
     * @param latencyMicros latency from due time to completion of the completed requests, in microseconds
     * @param lastError the message of the last failure, or empty
     */
    record Report(
            long offered, long completed, long failed, double seconds, Histogram latencyMicros, String lastError) {

        double completedPerSecond() {
            return seconds == 0 ? 0 : completed / seconds;
        }

        double percentileMillis(double percentile) {
            return latencyMicros.getTotalCount() == 0
                    ? Double.NaN
                    : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private OpenLoop() {}

    /**
     * How long the scenarios' open loops give a request (and wait after a phase for the last ones): over twice the
     * loosest latency goal (slow-llm's p99 of 2.2 s), so a request given up on had missed every goal already; each
     * phase's tail costs the run this long (10 s until 2026-12-02).
     */
    static final Duration PATIENCE = Duration.ofSeconds(5);

    /** Offers {@code rate} requests per second for {@code duration}, then waits up to {@code drain} for stragglers. */
    static Report run(double rate, Duration duration, Duration drain, Request request) throws InterruptedException {
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong lastCompletion = new AtomicLong();
        StringBuffer lastError = new StringBuffer();
        double intervalNanos = 1e9 / rate;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long offered = 0;
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (long i = 0; ; i++) {
                long due = start + (long) (i * intervalNanos);
                if (due >= end) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                offered++;
                long index = i;
                threads.execute(() -> {
                    try {
                        request.run(index);
                        long now = System.nanoTime();
                        recorder.recordValue(Math.max(1, (now - due) / 1000));
                        completed.incrementAndGet();
                        lastCompletion.accumulateAndGet(now, Math::max);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    } catch (Exception ex) {
                        failed.incrementAndGet();
                        lastError.setLength(0);
                        lastError.append(ex);
                    }
                });
            }
            threads.shutdown();
            threads.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            threads.shutdownNow();
        }
        long last = lastCompletion.get() == 0 ? start : lastCompletion.get();
        return new Report(
                offered,
                completed.get(),
                failed.get(),
                (last - start) / 1e9,
                recorder.getIntervalHistogram(),
                lastError.toString());
    }
}
