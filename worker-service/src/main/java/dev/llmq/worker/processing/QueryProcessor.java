package dev.llmq.worker.processing;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.WorkQueue;
import dev.llmq.worker.llm.LlmAnswer;
import dev.llmq.worker.llm.LlmCallException;
import dev.llmq.worker.llm.LlmClient;
import dev.llmq.worker.llm.LlmFailures;
import java.time.Clock;
import java.time.Duration;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the fate of one delivered query, in one place: dead-lettered after too many deliveries, skipped if an
 * outcome already exists, else answered or failed by the LLM call. The outcome is stored, published and acknowledged
 * together; while Redis is unreachable the worker keeps trying rather than lose a paid-for answer.
 */
final class QueryProcessor {

    private static final Logger log = LoggerFactory.getLogger(QueryProcessor.class);
    private static final Duration FINISH_RETRY_LIMIT = Duration.ofMinutes(2);

    private final WorkQueue queue;
    private final LlmClient llm;
    private final Clock clock;
    private final int maxDeliveries;

    QueryProcessor(WorkQueue queue, LlmClient llm, Clock clock, int maxDeliveries) {
        this.queue = queue;
        this.llm = llm;
        this.clock = clock;
        this.maxDeliveries = maxDeliveries;
    }

    void process(Delivery delivery) {
        Query query = delivery.query();
        if (delivery.deliveryCount() > maxDeliveries) {
            log.warn(
                    "query={} entry={} dead-lettered after {} deliveries",
                    query.id(),
                    delivery.entryId(),
                    delivery.deliveryCount());
            finish(delivery, deliveryAttemptsExceeded(delivery));
            return;
        }
        if (queue.begin(delivery).isPresent()) {
            log.info(
                    "query={} entry={} already has an outcome; acknowledged without calling the LLM",
                    query.id(),
                    delivery.entryId());
            queue.discard(delivery);
            return;
        }
        finish(delivery, callLlm(query));
    }

    private Outcome callLlm(Query query) {
        try {
            LlmAnswer answer = llm.complete(query);
            return new Outcome.Answered(query.id(), answer.text(), answer.model(), answer.usage(), clock.instant());
        } catch (LlmCallException ex) {
            log.info("query={} failed: {}", query.id(), ex.getMessage());
            return new Outcome.Failed(query.id(), ex.error(), clock.instant());
        } catch (RuntimeException ex) {
            LlmCallException classified = LlmFailures.classify(ex);
            log.warn("query={} failed unexpectedly: {}", query.id(), classified.getMessage(), ex);
            return new Outcome.Failed(query.id(), classified.error(), clock.instant());
        }
    }

    private Outcome deliveryAttemptsExceeded(Delivery delivery) {
        return new Outcome.Failed(
                delivery.query().id(),
                new QueryError(
                        QueryError.DELIVERY_ATTEMPTS_EXCEEDED,
                        "the query was delivered " + delivery.deliveryCount() + " times (at most " + maxDeliveries
                                + " allowed) and no worker completed it"),
                clock.instant());
    }

    private void finish(Delivery delivery, Outcome outcome) {
        long deadline = System.nanoTime() + FINISH_RETRY_LIMIT.toNanos();
        long backoffMillis = 100;
        while (true) {
            try {
                boolean stored = queue.finish(delivery, outcome);
                log.info(
                        "query={} entry={} {} ({})",
                        outcome.id(),
                        delivery.entryId(),
                        outcome.status().wireName(),
                        stored ? "stored" : "an earlier outcome stands");
                return;
            } catch (RedisException ex) {
                if (System.nanoTime() > deadline) {
                    log.error(
                            "query={} entry={} outcome could not be stored; the entry stays pending for redelivery",
                            outcome.id(),
                            delivery.entryId(),
                            ex);
                    return;
                }
                log.warn("query={} cannot store its outcome yet ({}); retrying", outcome.id(), ex.getMessage());
                if (!pause(backoffMillis)) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
