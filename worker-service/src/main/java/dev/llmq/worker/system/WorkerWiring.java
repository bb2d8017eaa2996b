package dev.llmq.worker.system;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import dev.llmq.shared.redis.ProviderLimits;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisProviderLimits;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.redis.WorkQueue;
import dev.llmq.worker.llm.LlmClient;
import dev.llmq.worker.llm.OpenAiLlmClient;
import java.time.Clock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Connects a worker to Redis and to its LLM provider. */
@Configuration(proxyBeanMethods = false)
class WorkerWiring {

    private static final Logger log = LoggerFactory.getLogger(WorkerWiring.class);

    @Bean(destroyMethod = "shutdown")
    RedissonClient redissonClient(RedisProperties properties) {
        return RedisClients.connect(
                properties.url(), properties.commandTimeout(), properties.poolSize(), "llmq-worker");
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    WorkQueue workQueue(RedissonClient redis, WorkerProperties properties) {
        return new RedisWorkQueue(redis, properties.effectiveConsumerName(), properties.resultTtl());
    }

    @Bean
    ProviderLimits providerLimits(RedissonClient redis, LlmProperties properties) {
        if (properties.requestsPerWindow() > 0 || properties.tokensPerWindow() > 0) {
            log.info(
                    "Provider '{}' limited to {} requests and {} tokens per {} across all workers",
                    properties.provider(),
                    properties.requestsPerWindow(),
                    properties.tokensPerWindow(),
                    properties.limitWindow());
        }
        return new RedisProviderLimits(
                redis,
                properties.provider(),
                properties.requestsPerWindow(),
                properties.tokensPerWindow(),
                properties.limitWindow());
    }

    @Bean(destroyMethod = "close")
    OpenAIClient openAiClient(LlmProperties properties) {
        log.info("Calling the LLM at {} with model {}", properties.baseUrl(), properties.model());
        return OpenAIOkHttpClient.builder()
                .apiKey(properties.apiKey().isBlank() ? "unused" : properties.apiKey())
                .baseUrl(properties.baseUrl())
                .timeout(Timeout.builder()
                        .connect(properties.connectTimeout())
                        .read(properties.readTimeout())
                        .write(properties.readTimeout())
                        .request(properties.timeout())
                        .build())
                .maxRetries(0)
                .build();
    }

    @Bean
    LlmClient llmClient(OpenAIClient client, LlmProperties properties) {
        return new OpenAiLlmClient(client, properties.model());
    }
}
