package dev.llmq.shared.monitoring;

import dev.llmq.shared.redis.TimedRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code llmq.redis.command.duration}: the time of each operation of our Redis adapters (see {@link TimedRedis}),
 * tagged with the operation and whether it succeeded. Timings recorded before the registry is bound are dropped.
 */
public final class RedisCommandMetrics implements MeterBinder, TimedRedis.Recorder {

    static final String NAME = "llmq.redis.command.duration";

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private volatile @Nullable MeterRegistry registry;

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void record(String operation, boolean failed, long nanos) {
        MeterRegistry bound = registry;
        if (bound == null) {
            return;
        }
        String outcome = failed ? "error" : "success";
        timers.computeIfAbsent(
                        operation + " " + outcome,
                        key -> Timer.builder(NAME)
                                .description("Time of one operation of llmq's Redis adapters (one round trip or a few)")
                                .tag("operation", operation)
                                .tag("outcome", outcome)
                                .serviceLevelObjectives(LatencyBuckets.REDIS)
                                .register(bound))
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
