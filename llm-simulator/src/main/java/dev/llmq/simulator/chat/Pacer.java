package dev.llmq.simulator.chat;

import java.time.Duration;

/** Waits out simulated latency; tests substitute one that records the pauses instead. */
interface Pacer {

    /** Blocks for {@code duration}; throws {@link java.util.concurrent.CancellationException} if interrupted. */
    void pause(Duration duration);
}
