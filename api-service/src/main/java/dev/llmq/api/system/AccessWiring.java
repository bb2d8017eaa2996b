package dev.llmq.api.system;

import dev.llmq.shared.monitoring.RedisCommandMetrics;
import dev.llmq.shared.redis.ApiKeyStore;
import dev.llmq.shared.redis.RedisApiKeyStore;
import dev.llmq.shared.redis.RedisTenantQuotas;
import dev.llmq.shared.redis.TenantQuotas;
import dev.llmq.shared.redis.TimedRedis;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Redis adapters behind API keys and tenant limits. */
@Configuration(proxyBeanMethods = false)
class AccessWiring {

    @Bean
    ApiKeyStore apiKeyStore(RedissonClient redis, RedisProperties redisProperties, RedisCommandMetrics timing) {
        return TimedRedis.timed(
                ApiKeyStore.class, new RedisApiKeyStore(redis, redisProperties.confirmation()), "api_keys", timing);
    }

    @Bean
    TenantQuotas tenantQuotas(RedissonClient redis, RedisProperties redisProperties, RedisCommandMetrics timing) {
        return TimedRedis.timed(
                TenantQuotas.class,
                new RedisTenantQuotas(redis, redisProperties.confirmation()),
                "tenant_quotas",
                timing);
    }
}
