package dev.llmq.worker.system;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import dev.llmq.shared.monitoring.RedisCommandMetrics;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.BatchedAcknowledgements;
import dev.llmq.shared.redis.PriorityShares;
import dev.llmq.shared.redis.ProviderLimits;
import dev.llmq.shared.redis.QueryCancellations;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisProviderLimits;
import dev.llmq.shared.redis.RedisQueryCancellations;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.redis.TimedRedis;
import dev.llmq.shared.redis.WorkQueue;
import dev.llmq.worker.llm.LlmRoute;
import dev.llmq.worker.llm.LlmRouter;
import dev.llmq.worker.llm.OpenAiLlmClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Connects a worker to Redis and to its LLM providers. */
@Configuration(proxyBeanMethods = false)
class WorkerWiring {

    private static final Logger log = LoggerFactory.getLogger(WorkerWiring.class);

    @Bean(destroyMethod = "shutdown")
    RedissonClient redissonClient(RedisProperties properties) {
        return RedisClients.connect(
                properties.environment(), properties.commandTimeout(), properties.poolSize(), "llmq-worker");
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Finished entries acknowledged together (none when {@code LLMQ_WORKER_ACK_INTERVAL} is 0). Destroyed after the
     * work queue and what uses it, so the last finished entries are flushed before Redis is let go.
     */
    @Bean(destroyMethod = "close")
    BatchedAcknowledgements batchedAcknowledgements(RedissonClient redis, WorkerProperties properties) {
        return new BatchedAcknowledgements(redis, properties.ackInterval());
    }

    @Bean
    WorkQueue workQueue(
            RedissonClient redis,
            WorkerProperties properties,
            RedisCommandMetrics timing,
            BatchedAcknowledgements batchedAcknowledgements) {
        return TimedRedis.timed(
                WorkQueue.class,
                new RedisWorkQueue(
                        redis,
                        properties.effectiveConsumerName(),
                        properties.resultTtl(),
                        new PriorityShares(properties.priorityWeights()),
                        batchedAcknowledgements),
                "work_queue",
                timing);
    }

    @Bean(destroyMethod = "close")
    QueryCancellations queryCancellations(RedissonClient redis) {
        return new RedisQueryCancellations(redis);
    }

    @Bean(destroyMethod = "close")
    AnswerDeltas answerDeltas(RedissonClient redis, WorkerProperties properties, RedisCommandMetrics timing) {
        return TimedRedis.timed(
                AnswerDeltas.class, new RedisAnswerDeltas(redis, properties.resultTtl()), "answer_deltas", timing);
    }

    /** One route per provider: the default one from {@code OPENAI_*}/{@code LLMQ_LLM_*}, and {@code LLMQ_PROVIDERS_*}. */
    @Bean
    LlmRouter llmRouter(
            RedissonClient redis,
            LlmProperties llm,
            ProvidersProperties others,
            ProviderClients clients,
            RedisCommandMetrics timing) {
        LlmRoute defaultRoute = route(
                redis,
                timing,
                clients,
                llm.provider(),
                llm.baseUrl(),
                llm.apiKey(),
                llm.model(),
                llm.requestsPerWindow(),
                llm.tokensPerWindow(),
                llm.limitWindow(),
                llm.maxConcurrency(),
                llm.modelLimits(),
                llm);
        Map<String, LlmRoute> byModel = new HashMap<>();
        others.providers().forEach((name, provider) -> {
            LlmRoute route = route(
                    redis,
                    timing,
                    clients,
                    name,
                    provider.baseUrl(),
                    provider.apiKey(),
                    provider.models().getFirst(),
                    provider.requestsPerWindow(),
                    provider.tokensPerWindow(),
                    provider.limitWindow(),
                    provider.maxConcurrency(),
                    provider.modelLimits(),
                    llm);
            provider.models().forEach(model -> byModel.put(model, route));
        });
        return new LlmRouter(defaultRoute, byModel);
    }

    @Bean(destroyMethod = "close")
    ProviderClients providerClients(WorkerProperties properties) {
        return new ProviderClients(properties.maxInFlight());
    }

    private static LlmRoute route(
            RedissonClient redis,
            RedisCommandMetrics timing,
            ProviderClients clients,
            String name,
            String baseUrl,
            String apiKey,
            String defaultModel,
            int requestsPerWindow,
            long tokensPerWindow,
            Duration limitWindow,
            int maxConcurrency,
            String modelLimits,
            LlmProperties timeouts) {
        log.info("LLM provider '{}' at {} (default model {})", name, withoutSecrets(baseUrl), defaultModel);
        if (requestsPerWindow > 0 || tokensPerWindow > 0) {
            log.info(
                    "Provider '{}' limited to {} requests and {} tokens per {} across all workers",
                    name,
                    requestsPerWindow,
                    tokensPerWindow,
                    limitWindow);
        }
        OpenAIClient client = clients.connect(baseUrl, apiKey, timeouts);
        OpenAiLlmClient llm = new OpenAiLlmClient(client, defaultModel, timeouts.firstTokenTimeout());
        llm.warmUp();
        return new LlmRoute(
                name,
                llm,
                TimedRedis.timed(
                        ProviderLimits.class,
                        new RedisProviderLimits(
                                redis,
                                name,
                                requestsPerWindow,
                                tokensPerWindow,
                                limitWindow,
                                maxConcurrency,
                                timeouts.timeout().plusSeconds(30),
                                RedisProviderLimits.ModelLimit.parse(modelLimits)),
                        "provider_limits",
                        timing));
    }

    /**
     * The SDK clients of all providers, closed together on shutdown. Each keeps as many idle connections as the worker
     * has queries in flight: okhttp keeps 5 by default, so a worker with more calls at once closed the connections of
     * all but 5 as their calls ended and opened new ones (a TCP and, to a provider over HTTPS/1.1, a TLS handshake)
     * for the next calls.
     */
    static final class ProviderClients implements AutoCloseable {

        /** okhttp's default: how long an idle connection stays open for the next call. */
        private static final Duration IDLE_CONNECTION_KEPT = Duration.ofMinutes(5);

        private final int idleConnections;
        private final List<OpenAIClient> clients = new ArrayList<>();

        ProviderClients(int idleConnections) {
            this.idleConnections = idleConnections;
            OpenAiLlmClient.shareJsonBuffers();
        }

        /** A client of the provider at {@code baseUrl}; the SDK does not retry, llmq's retry policy does. */
        OpenAIClient connect(String baseUrl, String apiKey, LlmProperties timeouts) {
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .apiKey(apiKey.isBlank() ? "unused" : apiKey)
                    .baseUrl(baseUrl)
                    .timeout(Timeout.builder()
                            .connect(timeouts.connectTimeout())
                            .read(timeouts.readTimeout())
                            .write(timeouts.readTimeout())
                            .request(timeouts.timeout())
                            .build())
                    .maxRetries(0)
                    .maxIdleConnections(idleConnections)
                    .keepAliveDuration(IDLE_CONNECTION_KEPT)
                    .build();
            clients.add(client);
            return client;
        }

        @Override
        public void close() {
            clients.forEach(OpenAIClient::close);
        }
    }

    /** The URL without user info or query, where a key may hide ({@code https://key@host/v1?api-key=...}). */
    static String withoutSecrets(String url) {
        try {
            java.net.URI uri = java.net.URI.create(url);
            if (uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return url;
            }
            return new java.net.URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null)
                    + " (credentials not logged)";
        } catch (IllegalArgumentException | java.net.URISyntaxException ex) {
            return "(a URL that does not parse)";
        }
    }
}
