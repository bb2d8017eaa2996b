package dev.llmq.worker.metrics;

import dev.llmq.worker.processing.QueryConsumer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether this worker's consumer loop runs: DOWN before it starts, while it shuts down and after it died, so the worker
 * is not ready then. Also the gauge {@code llmq.worker.consumers}.
 */
public final class ConsumerHealth implements HealthIndicator, MeterBinder {

    private final QueryConsumer consumer;

    public ConsumerHealth(QueryConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public Health health() {
        return consumer.consuming()
                ? Health.up().build()
                : Health.down()
                        .withDetail("reason", "the consumer loop is not running")
                        .build();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("llmq.worker.consumers", consumer, loop -> loop.consuming() ? 1 : 0)
                .description("1 while this worker's consumer loop runs, else 0")
                .baseUnit("consumers")
                .register(registry);
    }
}
