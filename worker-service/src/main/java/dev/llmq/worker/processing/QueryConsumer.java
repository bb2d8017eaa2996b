package dev.llmq.worker.processing;

import dev.llmq.shared.logging.QueryLogContext;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.QueryCancellations;
import dev.llmq.shared.redis.RedisFailures;
import dev.llmq.shared.redis.WorkQueue;
import dev.llmq.worker.llm.LlmRouter;
import dev.llmq.worker.system.WorkerProperties;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The worker's consumer of the query stream: one loop reserves free slots, fills them first with abandoned entries
 * (when a reap is due), then with new ones, and runs each on a virtual thread. It keeps the entries it holds fresh,
 * and on shutdown stops reading, lets in-flight work finish within the grace period and hands the rest back.
 */
@Component
public class QueryConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(QueryConsumer.class);
    private static final Duration REDIS_RETRY = Duration.ofSeconds(1);
    private static final Duration PROMOTE_EVERY = Duration.ofMillis(200);

    private final WorkQueue queue;
    private final QueryCancellations cancellations;
    private final WorkerProperties properties;
    private final Clock clock;
    private final QueryProcessor processor;
    private final InFlightQueries inFlight;
    private final AbandonedQueryReaper reaper;
    private final QueryTracing tracing;
    private volatile boolean running;
    private volatile @Nullable Thread reader;
    private ScheduledExecutorService scheduler;

    QueryConsumer(
            WorkQueue queue,
            LlmRouter router,
            AnswerDeltas deltas,
            QueryCancellations cancellations,
            Clock clock,
            WorkerProperties properties,
            ProcessingMetrics metrics,
            Tracer tracer) {
        this.queue = queue;
        this.cancellations = cancellations;
        this.properties = properties;
        this.clock = clock;
        RetryPolicy retries = new RetryPolicy(
                properties.maxAttempts(),
                properties.retryInitialDelay(),
                properties.retryMaxDelay(),
                properties.retryAfterMax());
        this.tracing = new QueryTracing(tracer);
        this.processor = new QueryProcessor(
                queue,
                router,
                deltas,
                retries,
                clock,
                properties.maxDeliveries(),
                properties.deadline(),
                metrics,
                tracing);
        this.inFlight = new InFlightQueries(properties.maxInFlight());
        this.reaper = new AbandonedQueryReaper(queue, properties.reclaimAfter(), properties.reapInterval(), metrics);
    }

    @Override
    public void start() {
        running = true;
        log.info(
                "Worker {} consuming {} (and {}, {}) with up to {} queries in flight",
                queue.consumer(),
                dev.llmq.shared.redis.RedisKeys.QUERY_STREAM,
                dev.llmq.shared.redis.RedisKeys.HIGH_PRIORITY_STREAM,
                dev.llmq.shared.redis.RedisKeys.LOW_PRIORITY_STREAM,
                inFlight.capacity());
        cancellations.subscribe(id -> inFlight.cancel(id).ifPresent(tenant -> {
            try (var logContext = QueryLogContext.open(id, tenant)) {
                log.info("query={} cancelled by its client; aborting its LLM call", id);
            }
        }));
        reader = Thread.ofVirtual().name("llmq-reader").start(this::readUntilStopped);
        scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("llmq-upkeep").daemon().factory());
        long keepAlive = properties.keepAliveInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::keepAlive, keepAlive, keepAlive, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::promoteDueRetries, 0, PROMOTE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The loop, and a loud note if it dies: readiness then turns DOWN, as the worker takes no more work. */
    private void readUntilStopped() {
        try {
            readLoop();
        } catch (RuntimeException | Error ex) {
            log.error(
                    "The consumer loop of worker {} died ({}); it takes no new queries",
                    queue.consumer(),
                    RedisFailures.describe(ex));
            log.debug("Consumer loop failure", ex);
            throw ex;
        }
    }

    private void readLoop() {
        boolean groupReady = false;
        while (running) {
            int slots = 0;
            try {
                if (!groupReady) {
                    queue.ensureGroup();
                    groupReady = true;
                }
                slots = inFlight.reserve(inFlight.capacity(), Duration.ofMillis(500));
                if (slots == 0) {
                    continue;
                }
                List<Delivery> reclaimed = reaper.reap(slots, inFlight.entryIds());
                slots -= reclaimed.size();
                reclaimed.forEach(delivery -> process(delivery, true));
                if (slots == 0) {
                    continue;
                }
                List<Delivery> deliveries = queue.read(slots, readBlock());
                inFlight.unreserve(slots - deliveries.size());
                for (int i = 0; i < deliveries.size(); i++) {
                    // a blocking read over the three priority streams may return a few more than reserved
                    process(deliveries.get(i), i < slots);
                }
                slots = 0;
            } catch (RedisException ex) {
                inFlight.unreserve(slots);
                log.warn("Cannot read the query stream ({}); retrying in {}", RedisFailures.describe(ex), REDIS_RETRY);
                sleep(REDIS_RETRY);
            } catch (InterruptedException ex) {
                inFlight.unreserve(slots);
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Blocks no longer than the reap interval, so abandoned entries are looked for on time. */
    private Duration readBlock() {
        Duration block = properties.readBlock();
        return block.compareTo(properties.reapInterval()) > 0 ? properties.reapInterval() : block;
    }

    /** Runs one delivery in a slot reserved for it, or in the next one that frees. */
    private void process(Delivery delivery, boolean slotReserved) {
        inFlight.run(delivery, slotReserved, (d, cancelled) -> {
            // every line logged while the query is worked on names it, its tenant, and the trace it continues
            try (var logContext = QueryLogContext.open(d.query().id(), d.query().tenant())) {
                try {
                    tracing.process(d, () -> processor.process(d, cancelled));
                } catch (RuntimeException ex) {
                    // the message only: exceptions from Redis carry command arguments, which can be the query itself
                    log.error(
                            "query={} entry={} processing failed ({}); the entry stays pending for redelivery",
                            d.query().id(),
                            d.entryId(),
                            RedisFailures.describe(ex));
                    log.debug("query={} processing failure", d.query().id(), ex);
                }
            }
        });
    }

    private void keepAlive() {
        Set<String> held = inFlight.entryIds();
        try {
            Set<String> lost = queue.keepAlive(held);
            // only entries another worker holds come back (acknowledged ones do not), and of those only one still
            // being worked on here matters
            Set<String> stillHeld = lost.isEmpty() ? Set.of() : inFlight.entryIds();
            lost.stream()
                    .filter(stillHeld::contains)
                    .forEach(entry ->
                            log.warn("entry={} was claimed by another worker; its first stored outcome wins", entry));
        } catch (RuntimeException ex) {
            log.warn("Cannot refresh {} in-flight entries: {}", held.size(), RedisFailures.describe(ex));
        }
    }

    /** Moves retries that are due back onto the stream, for whichever worker reads them first. */
    private void promoteDueRetries() {
        try {
            while (queue.promoteDueRetries(clock.instant(), 500) == 500) {
                // more are due: keep moving them
            }
        } catch (RuntimeException ex) {
            log.debug("Cannot move due retries onto the stream: {}", RedisFailures.describe(ex));
        }
    }

    @Override
    public void stop() {
        running = false;
        log.info(
                "Worker {} stopping: no new queries; waiting up to {} for {} in flight",
                queue.consumer(),
                properties.shutdownGrace(),
                inFlight.size());
        try {
            Thread loop = reader;
            if (loop != null) {
                loop.join(properties.readBlock().plusSeconds(2));
            }
            if (!inFlight.awaitEmpty(properties.shutdownGrace())) {
                Set<String> unfinished = inFlight.entryIds();
                log.warn("Handing back {} unfinished queries for other workers to claim", unfinished.size());
                queue.release(unfinished);
                inFlight.interruptAll();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException ex) {
            log.warn(
                    "Could not hand back unfinished queries ({}); they will be reclaimed after {}",
                    RedisFailures.describe(ex),
                    properties.reclaimAfter());
        } finally {
            scheduler.shutdownNow();
        }
        log.info("Worker {} stopped", queue.consumer());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Whether the consumer loop is taking work now: started, not stopping, and its reader thread alive (false before
     * start, while shutting down, and after the loop died).
     */
    public boolean consuming() {
        Thread loop = reader;
        return running && loop != null && loop.isAlive();
    }

    /** Stop before the web server and Redis client go away. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE + 1024;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
