package dev.llmq.simulator.connection;

import org.apache.coyote.ActionCode;
import org.apache.coyote.Request;

/**
 * A connection accepted by Tomcat, driven through its request's actions: a non-blocking read probe (the request body
 * is already consumed, so anything readable, normally the end of the stream, means the client is gone; a client that
 * half-closes its side after sending, or pipelines its next request, looks gone too) and an immediate close that
 * sends nothing more, not even the end of a chunked body.
 */
final class TomcatConnection implements ClientConnection {

    /** The request attribute under which {@link ClientConnectionValve} leaves the connection. */
    static final String ATTRIBUTE = TomcatConnection.class.getName();

    private final Request request;
    private volatile boolean closed;

    TomcatConnection(Request request) {
        this.request = request;
    }

    @Override
    public boolean isClosedByClient() {
        if (!closed) {
            // Tomcat reads without blocking; at the end of the stream it reports data available so a read would fail
            request.action(ActionCode.AVAILABLE, Boolean.TRUE);
            closed = request.getAvailable() > 0;
        }
        return closed;
    }

    @Override
    public void abort() {
        request.action(ActionCode.CLOSE_NOW, null);
    }
}
