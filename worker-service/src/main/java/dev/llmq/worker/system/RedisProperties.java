package dev.llmq.worker.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the worker reaches Redis: {@code REDIS_URL}, plus {@code LLMQ_REDIS_COMMAND_TIMEOUT} and {@code
 * LLMQ_REDIS_POOL_SIZE}.
 */
@ConfigurationProperties("llmq.redis")
public record RedisProperties(
        @DefaultValue("redis://localhost:6379") String url,
        @DefaultValue("2s") Duration commandTimeout,
        @DefaultValue("16") int poolSize) {}
