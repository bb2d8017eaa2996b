package dev.llmq.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.QueryQueue;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.redis.RedisQueryQueue;
import dev.llmq.shared.testing.PrometheusScrape;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.worker.processing.QueryConsumer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker against a real Redis and an OpenAI-compatible HTTP server, scraped over real HTTP: its meters follow the
 * queries it answers and the queue it reads, and its readiness follows Redis and its consumer loop.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=worker-service",
            "llmq.metrics.queue-sample-interval=200ms",
            "llmq.metrics.redis-check-interval=200ms",
            "llmq.worker.retry-initial-delay=100ms",
            "llmq.worker.retry-max-delay=200ms",
            "llmq.worker.retry-after-max=200ms"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerMonitoringIT {

    @RegisterExtension
    static RedisServerExtension server = RedisServerExtension.withAppendOnlyFile();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final AtomicInteger THROTTLED = new AtomicInteger();
    private static final MockWebServer llm = startLlm();
    private static RedissonClient client;

    @LocalServerPort
    int port;

    @Autowired
    QueryConsumer consumer;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
        registry.add("llmq.llm.base-url", () -> llm.url("/v1").toString());
        registry.add("llmq.llm.api-key", () -> "sk-test");
    }

    @AfterAll
    static void stop() throws IOException {
        llm.shutdown();
        if (client != null) {
            client.shutdown();
        }
    }

    @Test
    @Order(1)
    void answeredQueriesShowAsCompletionsTimesAndTokens() {
        QueryQueue queue = queue();
        List<QueryId> ids = List.of(
                submit(queue, "first", null, Priority.NORMAL),
                submit(queue, "second", null, Priority.NORMAL),
                submit(queue, "urgent", null, Priority.HIGH),
                submit(queue, "unknown model", "mystery-model", Priority.LOW),
                submit(queue, "throttled once", null, Priority.NORMAL));
        ids.forEach(WorkerMonitoringIT::awaitOutcome);

        PrometheusScrape scrape = PrometheusScrape.of(port);
        Map<String, String> app = Map.of("application", "worker-service");
        assertThat(scrape.value("llmq_queries_completed_queries_total", tags("outcome", "succeeded")))
                .hasValue(5);
        assertThat(scrape.value("llmq_queries_completed_queries_total", tags("outcome", "failed")))
                .hasValue(0);
        assertThat(scrape.series("llmq_queries_completed_queries_total", app)).hasSize(4);
        assertThat(scrape.value("llmq_query_queue_duration_seconds_count", tags("priority", "normal")))
                .hasValue(4); // three queries, one of them called twice
        assertThat(scrape.value("llmq_query_queue_duration_seconds_count", tags("priority", "high")))
                .hasValue(1);
        assertThat(scrape.value("llmq_query_queue_duration_seconds_count", tags("priority", "low")))
                .hasValue(1);
        assertThat(scrape.value(
                        "llmq_query_model_duration_seconds_count",
                        tags("model", "gpt-4o-mini", "outcome", "succeeded")))
                .hasValue(4);
        assertThat(scrape.value(
                        "llmq_query_model_duration_seconds_count", tags("model", "gpt-4o-mini", "outcome", "failed")))
                .hasValue(1);
        assertThat(scrape.value("llmq_query_model_duration_seconds_count", tags("model", "other")))
                .hasValue(1);
        assertThat(scrape.value("llmq_query_first_token_duration_seconds_count", tags("model", "gpt-4o-mini")))
                .hasValue(4);
        assertThat(scrape.series("llmq_query_first_token_duration_seconds_bucket", tags("model", "gpt-4o-mini")))
                .hasSizeGreaterThan(10);
        assertThat(scrape.value("llmq_query_duration_seconds_count", tags("outcome", "succeeded")))
                .hasValue(5);
        assertThat(scrape.value("llmq_tokens_total", tags("model", "gpt-4o-mini", "type", "input")))
                .hasValue(4 * 5);
        assertThat(scrape.value("llmq_tokens_total", tags("model", "gpt-4o-mini", "type", "output")))
                .hasValue(4 * 7);
        assertThat(scrape.value("llmq_tokens_total", tags("model", "other", "type", "output")))
                .hasValue(7);
        assertThat(scrape.value("llmq_provider_rate_limited_responses_total", tags("provider", "default")))
                .hasValue(1);
        assertThat(scrape.value("llmq_queries_retried_queries_total", tags("reason", "rate_limited")))
                .hasValue(1);
        assertThat(scrape.value("llmq_queries_in_flight_queries", app)).hasValue(0);
        assertThat(scrape.value("llmq_queries_reclaimed_queries_total", app)).hasValue(0);
        assertThat(scrape.value("llmq_queries_dead_lettered_queries_total", app))
                .hasValue(0);
        assertThat(scrape.value(
                        "llmq_redis_command_duration_seconds_count",
                        tags("operation", "work_queue.finish", "outcome", "success")))
                .hasValue(5);
        assertThat(scrape.series("llmq_redis_command_duration_seconds_count", app))
                .allSatisfy(series -> assertThat(series.labels().get("operation"))
                        .matches("(work_queue|answer_deltas|provider_limits|queue_stats)\\.[a-zA-Z]+"));
        assertThat(scrape.value("llmq_redis_up", app)).hasValue(1);
        assertThat(scrape.value("llmq_worker_consumers", app)).hasValue(1);
    }

    @Test
    @Order(2)
    void lagCountsEntriesNoWorkerTookAndReadinessNeedsTheConsumerLoop() {
        assertThat(status("/actuator/health/readiness")).isEqualTo(200);
        consumer.stop();
        try {
            assertThat(status("/actuator/health/readiness")).isEqualTo(503);
            assertThat(status("/actuator/health/liveness")).isEqualTo(200);
            assertThat(PrometheusScrape.of(port).value("llmq_worker_consumers", Map.of()))
                    .hasValue(0);

            QueryQueue queue = queue();
            List<QueryId> waiting = List.of(
                    submit(queue, "waits 1", null, Priority.LOW),
                    submit(queue, "waits 2", null, Priority.LOW),
                    submit(queue, "waits 3", null, Priority.LOW),
                    submit(queue, "waits 4", null, Priority.HIGH));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                PrometheusScrape scrape = PrometheusScrape.of(port);
                assertThat(scrape.value("llmq_queue_lag_entries", tags("priority", "low")))
                        .hasValue(3);
                assertThat(scrape.value("llmq_queue_lag_entries", tags("priority", "high")))
                        .hasValue(1);
                assertThat(scrape.value("llmq_queue_lag_entries", tags("priority", "normal")))
                        .hasValue(0);
                assertThat(scrape.value("llmq_queue_pending_entries", Map.of())).hasValue(0);
            });
            consumer.start();
            waiting.forEach(WorkerMonitoringIT::awaitOutcome);
        } finally {
            if (!consumer.isRunning()) {
                consumer.start();
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            PrometheusScrape scrape = PrometheusScrape.of(port);
            assertThat(scrape.value("llmq_queue_lag_entries", Map.of())).hasValue(0);
            assertThat(scrape.value("llmq_queries_completed_queries_total", tags("outcome", "succeeded")))
                    .hasValue(9);
            assertThat(scrape.value("llmq_queue_retries_scheduled_entries", Map.of()))
                    .hasValue(0);
            assertThat(scrape.value("llmq_dead_letters_entries", Map.of())).hasValue(0);
        });
        assertThat(status("/actuator/health/readiness")).isEqualTo(200);
    }

    @Test
    @Order(3)
    void readinessIsDownWhileRedisIsUnreachableAndLivenessIsNot() {
        server.redis().kill();
        try {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() ->
                            assertThat(status("/actuator/health/readiness")).isEqualTo(503));
            assertThat(status("/actuator/health/liveness")).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(PrometheusScrape.of(port).value("llmq_redis_up", Map.of()))
                            .hasValue(0));
        } finally {
            server.redis().restart();
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(status("/actuator/health/readiness")).isEqualTo(200));
        assertThat(PrometheusScrape.of(port).value("llmq_redis_up", Map.of())).hasValue(1);
        // the worker still works after the outage
        awaitOutcome(submit(queue(), "after the outage", null, Priority.NORMAL));
    }

    private static Map<String, String> tags(String... pairs) {
        Map<String, String> tags = new java.util.HashMap<>(Map.of("application", "worker-service"));
        for (int i = 0; i < pairs.length; i += 2) {
            tags.put(pairs[i], pairs[i + 1]);
        }
        return tags;
    }

    private int status(String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static synchronized QueryQueue queue() {
        if (client == null) {
            client = RedisClients.connect(server.redis().url(), Duration.ofSeconds(2), 4, "worker-monitoring-test");
        }
        return new RedisQueryQueue(client, Clock.systemUTC(), Duration.ofHours(1));
    }

    private static QueryId submit(QueryQueue queue, String prompt, String model, Priority priority) {
        QueryRequest request =
                new QueryRequest(QueryRequest.ofPrompt(prompt).messages(), model, GenerationOptions.DEFAULTS);
        Query query = queue.submit(request, new Submission(TenantId.LOCAL, priority, null), 0);
        return query.id();
    }

    private static void awaitOutcome(QueryId id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> server.redis().call("GET", RedisKeys.resultKey(id)) != null);
    }

    private static MockWebServer startLlm() {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = request.getBody().clone().readUtf8();
                if (body.contains("throttled once") && THROTTLED.getAndIncrement() == 0) {
                    return new MockResponse()
                            .setResponseCode(429)
                            .setHeader("Content-Type", "application/json")
                            .setHeader("Retry-After", "0")
                            .setBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}");
                }
                String model = body.contains("mystery-model") ? "mystery-model" : "gpt-4o-mini";
                return answer(model);
            }
        });
        try {
            server.start();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return server;
    }

    /** A streamed answer: two deltas, the finish, usage of 5 prompt and 7 completion tokens, then [DONE]. */
    private static MockResponse answer(String model) {
        String head = "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                + "\"model\":\"" + model + "\",";
        String body = head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"An\"},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"swer\"},\"finish_reason\":null}]}\n\n"
                + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,"
                + "\"total_tokens\":12}}\n\n"
                + "data: [DONE]\n\n";
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "text/event-stream")
                .setBody(body);
    }
}
