package dev.llmq.worker.metrics;

import dev.llmq.shared.query.Priority;
import dev.llmq.shared.redis.QueueStats;
import dev.llmq.shared.redis.RedisFailures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue depths as gauges: lag and pending entries per priority stream, scheduled retries and dead letters. A background
 * task samples them every {@code interval} in one Redis round trip; the gauges read that sample, so a scrape never
 * touches Redis. Until the first sample succeeds the gauges read NaN; after a failed one they keep the last values.
 */
public final class QueueDepthMeters implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueDepthMeters.class);
    private static final Duration FIRST_SAMPLE_DELAY = Duration.ofSeconds(1);

    private final QueueStats stats;
    private final ScheduledExecutorService sampler;
    private volatile QueueStats.@Nullable Sample last;
    private volatile boolean failing;

    public QueueDepthMeters(QueueStats stats, Duration interval) {
        this.stats = stats;
        this.sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("llmq-queue-sampler").daemon().factory());
        // a moment's delay, so that the consumer loop has created the streams on a fresh Redis
        long first = Math.min(interval.toMillis(), FIRST_SAMPLE_DELAY.toMillis());
        sampler.scheduleWithFixedDelay(this::sample, first, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes one sample now; never throws. */
    void sample() {
        try {
            last = stats.sample();
            if (failing) {
                log.info("Sampling the queue depths works again");
                failing = false;
            }
        } catch (RuntimeException ex) {
            if (String.valueOf(ex.getMessage()).contains("no such key")) {
                // Redis lost the streams (a restart without its AOF): the consumer loop creates them again
                log.debug("The query streams do not exist yet; no queue depths to sample");
            } else if (!failing) {
                log.warn(
                        "Cannot sample the queue depths ({}); the gauges keep their last values",
                        RedisFailures.describe(ex));
                failing = true;
            }
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Priority level : Priority.values()) {
            gauge(
                            "llmq.queue.lag",
                            "Entries of a priority stream not yet delivered to any worker",
                            s -> s.stream(level).lag())
                    .tag("priority", level.wireName())
                    .register(registry);
            gauge(
                            "llmq.queue.pending",
                            "Entries of a priority stream delivered to a worker, not yet acknowledged",
                            s -> s.stream(level).pending())
                    .tag("priority", level.wireName())
                    .register(registry);
        }
        gauge("llmq.queue.retries.scheduled", "Retries waiting for their due time", s -> s.scheduledRetries())
                .register(registry);
        gauge("llmq.dead.letters", "Entries in the dead-letter stream", s -> s.deadLetters())
                .register(registry);
    }

    private Gauge.Builder<QueueDepthMeters> gauge(
            String name, String description, ToDoubleFunction<QueueStats.Sample> value) {
        return Gauge.builder(name, this, meters -> {
                    QueueStats.Sample sample = meters.last;
                    return sample == null ? Double.NaN : value.applyAsDouble(sample);
                })
                .description(description + " (sampled every LLMQ_METRICS_QUEUE_SAMPLE_INTERVAL)")
                .baseUnit("entries");
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
