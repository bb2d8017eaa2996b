package dev.llmq.api.system;

import dev.llmq.shared.redis.ApiKeyStore;
import dev.llmq.shared.redis.RedisApiKeyStore;
import dev.llmq.shared.redis.RedisTenantQuotas;
import dev.llmq.shared.redis.TenantQuotas;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Redis adapters behind API keys and tenant limits. */
@Configuration(proxyBeanMethods = false)
class AccessWiring {

    @Bean
    ApiKeyStore apiKeyStore(RedissonClient redis) {
        return new RedisApiKeyStore(redis);
    }

    @Bean
    TenantQuotas tenantQuotas(RedissonClient redis) {
        return new RedisTenantQuotas(redis);
    }
}
