package dev.llmq.worker.metrics;

import dev.llmq.shared.monitoring.RedisCommandMetrics;
import dev.llmq.shared.monitoring.RedisHealth;
import dev.llmq.shared.redis.QueueStats;
import dev.llmq.shared.redis.RedisQueueStats;
import dev.llmq.shared.redis.TimedRedis;
import dev.llmq.worker.processing.QueryConsumer;
import dev.llmq.worker.system.LlmProperties;
import dev.llmq.worker.system.ProvidersProperties;
import java.util.HashSet;
import java.util.Set;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker's meters and health: what processing reports, the sampled queue depths, Redis latency and reachability,
 * and the consumer loop. Bean names {@code redis} and {@code consumer} are the health contributors readiness includes.
 * It lives here, not in {@code system}, because processing reads the worker's settings from there.
 */
@Configuration(proxyBeanMethods = false)
class MetricsWiring {

    @Bean
    RedisCommandMetrics redisCommandMetrics() {
        return new RedisCommandMetrics();
    }

    @Bean(destroyMethod = "close")
    RedisHealth redisHealth(RedissonClient redis, MetricsProperties properties) {
        return new RedisHealth(redis, properties.redisCheckTimeout(), properties.redisCheckInterval());
    }

    @Bean("redis")
    RedisHealthIndicator redisHealthIndicator(RedisHealth health) {
        return new RedisHealthIndicator(health);
    }

    @Bean("consumer")
    ConsumerHealth consumerHealth(QueryConsumer consumer) {
        return new ConsumerHealth(consumer);
    }

    @Bean(destroyMethod = "close")
    QueueDepthMeters queueDepthMeters(RedissonClient redis, RedisCommandMetrics timing, MetricsProperties properties) {
        QueueStats stats = TimedRedis.timed(QueueStats.class, new RedisQueueStats(redis), "queue_stats", timing);
        return new QueueDepthMeters(stats, properties.queueSampleInterval());
    }

    /** The {@code model} tag's closed set: the default model and every model a provider route names. */
    @Bean
    QueryProcessingMeters queryProcessingMeters(LlmProperties llm, ProvidersProperties others) {
        Set<String> models = new HashSet<>();
        Set<String> providers = new HashSet<>();
        models.add(llm.model());
        providers.add(llm.provider());
        others.providers().forEach((name, provider) -> {
            providers.add(name);
            models.addAll(provider.models());
        });
        return new QueryProcessingMeters(models, providers);
    }
}
