package dev.llmq.worker.processing;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.Begun;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisFailures;
import dev.llmq.shared.redis.WorkQueue;
import dev.llmq.worker.llm.LlmAnswer;
import dev.llmq.worker.llm.LlmCallException;
import dev.llmq.worker.llm.LlmFailures;
import dev.llmq.worker.llm.LlmRoute;
import dev.llmq.worker.llm.LlmRouter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the fate of one delivered query, in one place: dead-lettered after too many deliveries, skipped if an
 * outcome already exists, put back to wait in Redis while the provider's shared budget is spent or paused, else
 * answered by the LLM, retried later after a retryable failure, or failed. The outcome is stored, published and
 * acknowledged together; while Redis is unreachable the worker keeps trying rather than lose a paid-for answer.
 */
final class QueryProcessor {

    private static final Logger log = LoggerFactory.getLogger(QueryProcessor.class);
    private static final Duration FINISH_RETRY_LIMIT = Duration.ofMinutes(2);
    private static final Duration BUDGET_JITTER = Duration.ofMillis(250);
    private static final long EXPECTED_COMPLETION_TOKENS = 256;
    private static final Duration DELTA_INTERVAL = Duration.ofMillis(50);

    private final WorkQueue queue;
    private final LlmRouter router;
    private final AnswerDeltas deltas;
    private final RetryPolicy retries;
    private final Clock clock;
    private final int maxDeliveries;
    private final Duration deadline;
    private final ProcessingMetrics metrics;
    private final QueryTracing tracing;
    private final RandomGenerator random = RandomGenerator.getDefault();

    QueryProcessor(
            WorkQueue queue,
            LlmRouter router,
            AnswerDeltas deltas,
            RetryPolicy retries,
            Clock clock,
            int maxDeliveries,
            Duration deadline,
            ProcessingMetrics metrics,
            QueryTracing tracing) {
        this.deadline = deadline;
        this.metrics = metrics;
        this.tracing = tracing;
        this.queue = queue;
        this.router = router;
        this.deltas = deltas;
        this.retries = retries;
        this.clock = clock;
        this.maxDeliveries = maxDeliveries;
    }

    /** Decides the fate of one delivered query; {@code cancelled} says whether its client cancelled it meanwhile. */
    void process(Delivery delivery, BooleanSupplier cancelled) {
        Query query = delivery.query();
        if (delivery.deliveryCount() > maxDeliveries) {
            log.warn(
                    "query={} entry={} dead-lettered after {} deliveries",
                    query.id(),
                    delivery.entryId(),
                    delivery.deliveryCount());
            metrics.deadLettered();
            finish(delivery, deliveryAttemptsExceeded(delivery));
            return;
        }
        Instant now = clock.instant();
        if (query.expiredAt(now)) {
            log.info(
                    "query={} entry={} expired: no LLM call started by {}",
                    query.id(),
                    delivery.entryId(),
                    query.deadline());
            finish(delivery, Outcome.of(query, null, query.attempt() - 1, now, new Outcome.Expired(query.deadline())));
            return;
        }
        switch (queue.begin(delivery, now)) {
            case Begun.Running running -> {
                // marked running: on to the LLM
            }
            case Begun.Finished finished -> {
                log.info(
                        "query={} entry={} already has an outcome; acknowledged without calling the LLM",
                        query.id(),
                        delivery.entryId());
                queue.discard(delivery);
                return;
            }
            case Begun.Unknown unknown -> {
                // logged by the queue; its outcome would not be stored, so no LLM call is spent on it
                queue.discard(delivery);
                return;
            }
        }
        LlmRoute route = router.route(query);
        String callId = query.id() + ":" + query.attempt();
        String model = query.request().model() != null
                ? query.request().model()
                : route.client().model();
        Duration wait = route.limits().acquire(callId, model, estimatedTokens(query));
        if (!wait.isZero()) {
            Duration delay = wait.plusMillis(random.nextLong(BUDGET_JITTER.toMillis() + 1));
            if (pastDeadline(query, clock.instant().plus(delay))) {
                finish(delivery, deadlineExceeded(query, "while waiting for the provider's budget"));
                return;
            }
            log.debug("query={} waits {} for the provider's shared budget", query.id(), delay);
            retryLater(delivery, query, clock.instant().plus(delay));
            metrics.retried(ProcessingMetrics.PROVIDER_BUDGET);
            return;
        }
        try {
            callLlm(delivery, route, callId, model, cancelled);
        } finally {
            releaseQuietly(route, callId);
        }
    }

    /** {@code first} once, before the first piece reaches {@code pieces}. */
    private static Consumer<String> firstThen(Runnable first, Consumer<String> pieces) {
        AtomicBoolean done = new AtomicBoolean();
        return piece -> {
            if (done.compareAndSet(false, true)) {
                first.run();
            }
            pieces.accept(piece);
        };
    }

    /** The call reached the provider: a late one is counted again in the windows (never fails the call). */
    private static void reached(LlmRoute route, String callId) {
        try {
            route.limits().reached(callId);
        } catch (RuntimeException ex) {
            log.debug(
                    "call={} not counted again from when it reached the provider ({})",
                    callId,
                    RedisFailures.describe(ex));
        }
    }

    private static void releaseQuietly(LlmRoute route, String callId) {
        try {
            route.limits().release(callId);
        } catch (RuntimeException ex) {
            log.debug(
                    "call={} concurrency slot not released ({}); it frees itself", callId, RedisFailures.describe(ex));
        }
    }

    private void callLlm(Delivery delivery, LlmRoute route, String callId, String model, BooleanSupplier cancelled) {
        Query query = delivery.query();
        Instant started = clock.instant();
        try {
            DeltaPublisher publisher = new DeltaPublisher(deltas, query.id(), DELTA_INTERVAL);
            Consumer<String> onText = firstThen(() -> reached(route, callId), publisher);
            LlmAnswer answer = tracing.llmCall(
                    query,
                    route.provider(),
                    modelOf(query, route),
                    () -> reportedCall(route, query, onText, model, started));
            // no last flush: the outcome stored next carries the whole text, and streams send what they missed from it
            Instant answered = clock.instant();
            Timing timing = new Timing(
                    Duration.between(query.submittedAt(), started),
                    Duration.between(started, answered),
                    answer.timeToFirstToken());
            finish(
                    delivery,
                    Outcome.of(
                            query,
                            started,
                            query.attempt(),
                            answered,
                            new Outcome.Answered(answer.text(), answer.model(), answer.usage(), timing)),
                    publisher.published());
        } catch (LlmCallException ex) {
            if (!stoppedBy(delivery, cancelled, started)) {
                afterFailure(delivery, route, ex, timingUntilNow(query, started));
            }
        } catch (RuntimeException ex) {
            if (stoppedBy(delivery, cancelled, started)) {
                return;
            }
            LlmCallException classified = LlmFailures.classify(ex);
            // the provider's or the SDK's text may quote the request, so it stays out of WARN
            log.warn(
                    "query={} failed unexpectedly ({})",
                    query.id(),
                    ex.getClass().getName());
            log.debug("query={} unexpected failure", query.id(), ex);
            afterFailure(delivery, route, classified, timingUntilNow(query, started));
        }
    }

    /** The LLM call itself, reported to the metrics whether it answers or not. */
    private LlmAnswer reportedCall(
            LlmRoute route, Query query, Consumer<String> onText, String model, Instant started) {
        metrics.callStarted(query, Duration.between(query.submittedAt(), started));
        try {
            LlmAnswer answer = route.client().complete(query, onText);
            metrics.callEnded(
                    model, true, Duration.between(started, clock.instant()), answer.timeToFirstToken(), answer.usage());
            return answer;
        } catch (RuntimeException | Error ex) {
            metrics.callEnded(model, false, Duration.between(started, clock.instant()), null, Usage.NONE);
            throw ex;
        }
    }

    /**
     * Whether the call ended because this thread was interrupted: by the query's cancellation (its cancelled outcome
     * is stored already; this only acknowledges the entry), or by shutdown (the entry was handed back: leave it).
     */
    private boolean stoppedBy(Delivery delivery, BooleanSupplier cancelled, Instant started) {
        boolean interrupted = Thread.interrupted();
        if (cancelled.getAsBoolean()) {
            Query query = delivery.query();
            log.info("query={} entry={} LLM call aborted: the query was cancelled", query.id(), delivery.entryId());
            finish(delivery, Outcome.of(query, started, query.attempt(), clock.instant(), new Outcome.Cancelled()));
            return true;
        }
        if (interrupted) {
            log.info(
                    "query={} LLM call stopped by shutdown; the entry was handed back",
                    delivery.query().id());
            return true;
        }
        return false;
    }

    private Timing timingUntilNow(Query query, Instant started) {
        return new Timing(
                Duration.between(query.submittedAt(), started), Duration.between(started, clock.instant()), null);
    }

    private void afterFailure(Delivery delivery, LlmRoute route, LlmCallException ex, Timing timing) {
        Query query = delivery.query();
        if (ex.error().code().equals(LlmFailures.RATE_LIMITED)) {
            metrics.providerRateLimited(route.provider());
            ex.retryAfter().ifPresent(route.limits()::pause);
        }
        if (ex.retryable() && retries.allowsAnotherAttempt(query.attempt())) {
            Duration delay = retries.delayAfter(query.attempt(), ex.retryAfter(), random);
            Instant due = clock.instant().plus(delay);
            if (pastDeadline(query, due)) {
                finish(
                        delivery,
                        deadlineExceeded(query, "after attempt " + query.attempt() + " failed: " + ex.getMessage()));
                return;
            }
            log.info(
                    "query={} attempt {} failed ({}); retrying in {}",
                    query.id(),
                    query.attempt(),
                    ex.error().code(),
                    delay);
            retryLater(delivery, query.nextAttempt(), due);
            metrics.retried(ex.error().code());
            return;
        }
        log.info(
                "query={} failed after {} attempt(s): {}",
                query.id(),
                query.attempt(),
                ex.error().code());
        log.debug("query={} failure: {}", query.id(), ex.error().message());
        QueryError error = ex.retryable()
                ? new QueryError(
                        ex.error().code(), ex.error().message() + " (gave up after " + query.attempt() + " attempts)")
                : ex.error();
        finish(
                delivery,
                Outcome.of(
                        query,
                        timing.callStartedAt(query.submittedAt()),
                        query.attempt(),
                        clock.instant(),
                        new Outcome.Failed(error, timing)));
    }

    private static String modelOf(Query query, LlmRoute route) {
        return query.request().model() != null
                ? query.request().model()
                : route.client().model();
    }

    /** What the provider will count against a token budget: the prompt (about 4 characters a token) and the answer. */
    private static long estimatedTokens(Query query) {
        Integer maxTokens = query.request().options().maxTokens();
        return query.request().contentLength() / 4 + 1 + (maxTokens != null ? maxTokens : EXPECTED_COMPLETION_TOKENS);
    }

    private boolean pastDeadline(Query query, Instant when) {
        return when.isAfter(query.submittedAt().plus(deadline));
    }

    private Outcome deadlineExceeded(Query query, String when) {
        log.info("query={} passed its deadline of {} {}", query.id(), deadline, when);
        return Outcome.of(
                query,
                null,
                query.attempt(),
                clock.instant(),
                new Outcome.Failed(
                        new QueryError(
                                QueryError.DEADLINE_EXCEEDED,
                                "the query could not be answered within " + deadline + " of its submission (" + when
                                        + ")"),
                        Timing.UNKNOWN));
    }

    private Outcome deliveryAttemptsExceeded(Delivery delivery) {
        return Outcome.of(
                delivery.query(),
                null,
                delivery.query().attempt(),
                clock.instant(),
                new Outcome.Failed(
                        new QueryError(
                                QueryError.DELIVERY_ATTEMPTS_EXCEEDED,
                                "the query was delivered " + delivery.deliveryCount() + " times (at most "
                                        + maxDeliveries + " allowed) and no worker completed it"),
                        Timing.UNKNOWN));
    }

    private void finish(Delivery delivery, Outcome outcome) {
        // a failed or stopped call may have streamed part of its answer: its partial answer goes
        finish(delivery, outcome, true);
    }

    private void finish(Delivery delivery, Outcome outcome, boolean answerStreamed) {
        persistently(outcome.id(), delivery, "store its outcome", () -> {
            boolean stored = tracing.store(outcome, () -> queue.finish(delivery, outcome, answerStreamed));
            if (stored) {
                metrics.outcomeStored(outcome);
            }
            log.info(
                    "query={} entry={} {} ({})",
                    outcome.id(),
                    delivery.entryId(),
                    outcome.status().wireName(),
                    stored ? "stored" : "an earlier outcome stands");
        });
    }

    /**
     * Schedules {@code next} for {@code due}, trying as long as {@link #finish} does: a failed attempt forgotten while
     * Redis is unreachable would be redelivered as the same attempt, and the LLM called more often than allowed.
     */
    private void retryLater(Delivery delivery, Query next, Instant due) {
        persistently(next.id(), delivery, "schedule its retry", () -> {
            if (!queue.retryLater(delivery, next, due)) {
                log.info(
                        "query={} entry={} retry not scheduled: the entry is no longer this worker's (claimed by another"
                                + " worker, or scheduled by an earlier try whose reply was lost)",
                        next.id(),
                        delivery.entryId());
            }
        });
    }

    /**
     * Runs a write that settles the delivery, again after each Redis failure (backing off) for up to {@link
     * #FINISH_RETRY_LIMIT}; the writes are safe to repeat. Gives up only then (or when interrupted), leaving the entry
     * pending for redelivery.
     */
    private void persistently(QueryId id, Delivery delivery, String what, Runnable write) {
        long deadline = System.nanoTime() + FINISH_RETRY_LIMIT.toNanos();
        long backoffMillis = 100;
        while (true) {
            try {
                write.run();
                return;
            } catch (RedisException ex) {
                if (System.nanoTime() > deadline) {
                    log.error(
                            "query={} entry={} could not {} ({}); the entry stays pending for redelivery",
                            id,
                            delivery.entryId(),
                            what,
                            RedisFailures.describe(ex));
                    return;
                }
                log.warn("query={} cannot {} yet ({}); retrying", id, what, RedisFailures.describe(ex));
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
