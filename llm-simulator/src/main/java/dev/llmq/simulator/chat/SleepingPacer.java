package dev.llmq.simulator.chat;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.springframework.stereotype.Component;

/** Waits by sleeping the current thread, which is cheap because requests run on virtual threads. */
@Component
class SleepingPacer implements Pacer {

    @Override
    public void pause(Duration duration) {
        if (!duration.isPositive()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while simulating latency");
        }
    }
}
