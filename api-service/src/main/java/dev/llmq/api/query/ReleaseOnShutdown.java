package dev.llmq.api.query;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * When the replica stops (SIGTERM), ends its parked {@code GET /result?wait=} requests (answered with the query's
 * current status, and {@code Connection: close} over HTTP/1.1) and its {@code GET /result/stream} streams (closed
 * without the outcome, to be resumed with {@code Last-Event-ID}) at once. Without it, Tomcat's graceful shutdown waits
 * for them (a wait may be parked for minutes) for the whole of {@code spring.lifecycle.timeout-per-shutdown-phase}
 * and then cuts them off: every parked client saw a reset connection after 20 s instead of an answer at once.
 *
 * <p>Runs in the graceful shutdown's own phase, beside it: Tomcat stops accepting connections while the waits end.
 */
@Component
final class ReleaseOnShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReleaseOnShutdown.class);

    private final ResultWaiters waiters;
    private final AnswerStreams streams;
    private volatile boolean running;

    ReleaseOnShutdown(ResultWaiters waiters, AnswerStreams streams) {
        this.waiters = waiters;
        this.streams = streams;
    }

    @Override
    public void start() {
        waiters.resume();
        running = true;
    }

    /**
     * Not stopped when the context is only paused (Spring's test context cache pauses the contexts it is not using):
     * only a real stop ends the waits.
     */
    @Override
    public boolean isPauseable() {
        return false;
    }

    @Override
    public void stop() {
        running = false;
        int waits = waiters.size();
        int open = streams.size();
        waiters.releaseAll();
        streams.endAll();
        if (waits + open > 0) {
            log.info(
                    "stopping: ended {} parked result waits and {} answer streams for their clients to ask again",
                    waits,
                    open);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Spring Boot's WebServerGracefulShutdownLifecycle's phase (its constant is deprecated for removal)
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
