package dev.llmq.api.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the api-service reaches Redis: {@code REDIS_URL}, plus {@code LLMQ_REDIS_COMMAND_TIMEOUT} (a lost Redis makes
 * requests fail with 503 after about this long) and {@code LLMQ_REDIS_POOL_SIZE}.
 */
@ConfigurationProperties("llmq.redis")
public record RedisProperties(
        @DefaultValue("redis://localhost:6379") String url,
        @DefaultValue("1s") Duration commandTimeout,
        @DefaultValue("12") int poolSize) {}
