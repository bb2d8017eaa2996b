package dev.llmq.simulator.connection;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The TCP connection a request arrived on: tells whether the client has closed it and can drop it at once, so that a
 * reply can simulate a reset or a cut stream and stop working for a client that is gone.
 */
public interface ClientConnection {

    /** Checks, without blocking, whether the client has closed the connection. */
    boolean isClosedByClient();

    /** Closes the connection at once: whatever part of the response has not been sent yet is never sent. */
    void abort();

    /**
     * The connection of {@code request}; outside the simulator's Tomcat (e.g. a mock request) one that never sees a
     * disconnect and cannot abort.
     */
    static ClientConnection of(HttpServletRequest request) {
        return request.getAttribute(TomcatConnection.ATTRIBUTE) instanceof ClientConnection connection
                ? connection
                : UnobservedConnection.INSTANCE;
    }
}
