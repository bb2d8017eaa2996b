package dev.llmq.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Priority;
import dev.llmq.shared.redis.QueueStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisConnectionException;

class QueueDepthMetersTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Hands out the sample it holds, or fails like an unreachable Redis when it holds none; counts the reads. */
    private static final class SettableStats implements QueueStats {

        final AtomicReference<Sample> next = new AtomicReference<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Sample sample() {
            reads.incrementAndGet();
            Sample sample = next.get();
            if (sample == null) {
                throw new RedisConnectionException("unreachable");
            }
            return sample;
        }
    }

    @Test
    void gaugesReadTheLastSampleAndScrapesNeverReadRedis() {
        SettableStats stats = new SettableStats();
        try (QueueDepthMeters meters = new QueueDepthMeters(stats, Duration.ofHours(1))) {
            meters.bindTo(registry);
            org.awaitility.Awaitility.await().until(() -> stats.reads.get() == 1);
            assertThat(registry.get("llmq.queue.lag")
                            .tag("priority", "high")
                            .gauge()
                            .value())
                    .as("nothing sampled yet")
                    .isNaN();

            stats.next.set(sample(4, 2, 7, 1));
            meters.sample();
            int reads = stats.reads.get();

            assertThat(registry.get("llmq.queue.lag")
                            .tag("priority", "low")
                            .gauge()
                            .value())
                    .isEqualTo(4);
            assertThat(registry.get("llmq.queue.pending")
                            .tag("priority", "low")
                            .gauge()
                            .value())
                    .isEqualTo(2);
            assertThat(registry.get("llmq.queue.retries.scheduled").gauge().value())
                    .isEqualTo(7);
            assertThat(registry.get("llmq.dead.letters").gauge().value()).isEqualTo(1);
            assertThat(stats.reads.get())
                    .as("reading gauges asks Redis nothing")
                    .isEqualTo(reads);

            stats.next.set(null);
            meters.sample();
            assertThat(registry.get("llmq.queue.lag")
                            .tag("priority", "low")
                            .gauge()
                            .value())
                    .as("a failed sample keeps the last values")
                    .isEqualTo(4);
            assertThat(registry.getMeters())
                    .allSatisfy(meter -> assertThat(meter.getId().getBaseUnit()).isEqualTo("entries"));
        }
    }

    private static QueueStats.Sample sample(long lowLag, long lowPending, long retries, long deadLetters) {
        return new QueueStats.Sample(
                Map.of(
                        Priority.HIGH, new QueueStats.StreamDepth(0, 0),
                        Priority.NORMAL, new QueueStats.StreamDepth(0, 0),
                        Priority.LOW, new QueueStats.StreamDepth(lowLag, lowPending)),
                retries,
                deadLetters);
    }
}
