package dev.llmq.simulator.chat;

import dev.llmq.simulator.connection.ClientConnection;
import dev.llmq.simulator.connection.ClientDisconnectedException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.springframework.stereotype.Component;

/**
 * Waits by sleeping the current thread, which is cheap because requests run on virtual threads, looking every
 * {@value #PROBE_INTERVAL_MILLIS} ms whether the client is still there.
 */
@Component
class SleepingPacer implements Pacer {

    private static final long PROBE_INTERVAL_MILLIS = 50;

    @Override
    public void pause(Duration duration, ClientConnection connection) throws ClientDisconnectedException {
        if (!duration.isPositive()) {
            return;
        }
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                Thread.sleep(Duration.ofNanos(Math.min(left, PROBE_INTERVAL_MILLIS * 1_000_000)));
                if (connection.isClosedByClient()) {
                    throw new ClientDisconnectedException();
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while simulating latency");
        }
    }
}
