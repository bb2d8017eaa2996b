package dev.llmq.api.system;

import dev.llmq.api.batch.BatchProperties;
import dev.llmq.api.query.ApiProperties;
import dev.llmq.shared.monitoring.RedisCommandMetrics;
import dev.llmq.shared.redis.BatchStore;
import dev.llmq.shared.redis.RedisBatchStore;
import dev.llmq.shared.redis.TimedRedis;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Connects the Batch API to Redis: files, batches and their lines. */
@Configuration(proxyBeanMethods = false)
class BatchWiring {

    @Bean
    BatchStore batchStore(
            RedissonClient redis,
            Clock clock,
            ApiProperties api,
            BatchProperties batches,
            RedisProperties redisProperties,
            RedisCommandMetrics timing,
            Tracer tracer) {
        // lines carry the trace context of the span that enqueues them: the batch request, or none for a resumed one
        return TimedRedis.timed(
                BatchStore.class,
                new RedisBatchStore(
                        redis,
                        clock,
                        api.resultTtl(),
                        batches.batchTtl(),
                        TracedQueryQueue.currentTrace(tracer),
                        redisProperties.confirmation()),
                "batches",
                timing);
    }
}
