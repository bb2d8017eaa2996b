package dev.llmq.bench;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A fixed number of clients, each sending its next request as soon as the last one ended, for a while: what a system
 * completes per second at its own pace, i.e. its capacity, without the queue that an open loop above capacity piles
 * up. Latencies here are service times (they omit the waiting an open loop would add), so they are no latency goal.
 */
final class ClosedLoop {

    private ClosedLoop() {}

    /** Runs {@code clients} clients for {@code duration}; requests still running then may finish within a minute. */
    static OpenLoop.Report run(int clients, Duration duration, OpenLoop.Request request) throws InterruptedException {
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        AtomicLong next = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        StringBuffer lastError = new StringBuffer();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int client = 0; client < clients; client++) {
                threads.execute(() -> {
                    while (System.nanoTime() < end) {
                        long began = System.nanoTime();
                        try {
                            request.run(next.getAndIncrement());
                            recorder.recordValue(Math.max(1, (System.nanoTime() - began) / 1000));
                            completed.incrementAndGet();
                        } catch (InterruptedException ex) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception ex) {
                            failed.incrementAndGet();
                            lastError.setLength(0);
                            lastError.append(ex);
                        }
                    }
                });
            }
            threads.shutdown();
            threads.awaitTermination(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } finally {
            threads.shutdownNow();
        }
        return new OpenLoop.Report(
                next.get(),
                completed.get(),
                failed.get(),
                (System.nanoTime() - start) / 1e9,
                recorder.getIntervalHistogram(),
                lastError.toString());
    }
}
