package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a pattern subscription now, or, while Redis cannot be reached, keeps trying in the background. */
final class Subscriptions {

    private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    private Subscriptions() {}

    /** Runs {@code subscribe} until it succeeds or {@code closed} says to stop. */
    static void subscribeWithRetry(String pattern, Runnable subscribe, Runnable undo, BooleanSupplier closed) {
        try {
            subscribe.run();
        } catch (RedisException ex) {
            log.warn(
                    "Cannot subscribe to {} yet ({}); retrying in the background", pattern, RedisFailures.describe(ex));
            Thread.ofVirtual().name("llmq-subscribe").start(() -> {
                while (!closed.getAsBoolean()) {
                    try {
                        Thread.sleep(RETRY_EVERY);
                        undo.run();
                        subscribe.run();
                        return;
                    } catch (RedisException retryFailure) {
                        log.debug("Still cannot subscribe to {}: {}", pattern, RedisFailures.describe(retryFailure));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
    }
}
