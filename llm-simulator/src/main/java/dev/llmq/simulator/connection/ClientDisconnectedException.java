package dev.llmq.simulator.connection;

import java.io.IOException;

/** The client closed the connection before the reply was complete. */
public final class ClientDisconnectedException extends IOException {

    private static final long serialVersionUID = 1L;

    public ClientDisconnectedException() {
        super("The client closed the connection");
    }
}
