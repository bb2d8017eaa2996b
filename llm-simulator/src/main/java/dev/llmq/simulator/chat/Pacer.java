package dev.llmq.simulator.chat;

import dev.llmq.simulator.connection.ClientConnection;
import dev.llmq.simulator.connection.ClientDisconnectedException;
import java.time.Duration;

/** Waits out simulated latency and stalls; tests substitute one that records the pauses instead. */
interface Pacer {

    /**
     * Blocks for {@code duration}, but throws {@link ClientDisconnectedException} as soon as the client has closed
     * {@code connection}, and {@link java.util.concurrent.CancellationException} if interrupted.
     */
    void pause(Duration duration, ClientConnection connection) throws ClientDisconnectedException;
}
