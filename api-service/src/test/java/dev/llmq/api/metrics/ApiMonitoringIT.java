package dev.llmq.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.PrometheusScrape;
import dev.llmq.shared.testing.RedisServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An api-service against a real Redis, driven and scraped over real HTTP (with API keys, so the rate limit and the
 * in-flight cap can refuse): its meters count what it accepted, refused and ended, and the waits and streams it holds;
 * its readiness follows Redis.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "llmq.api.admin-key=" + ApiMonitoringIT.ADMIN_KEY,
            "llmq.metrics.redis-check-interval=200ms"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiMonitoringIT {

    static final String ADMIN_KEY = "monitoring-it-admin-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    @RegisterExtension
    static RedisServerExtension server = RedisServerExtension.withAppendOnlyFile();

    private static @Nullable RedissonClient workerClient;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @AfterAll
    static void disconnect() {
        if (workerClient != null) {
            workerClient.shutdown();
        }
    }

    @Test
    @Order(1)
    void submissionsAndRefusalsAreCountedByPriorityAndReason() {
        String key = createKey("acme");
        for (int i = 0; i < 3; i++) {
            assertThat(postQuery(key, "{\"prompt\":\"normal " + i + "\"}", null).statusCode())
                    .isEqualTo(200);
        }
        assertThat(postQuery(key, "{\"prompt\":\"urgent\",\"priority\":\"high\"}", null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(postQuery(key, "{\"prompt\":\"once\"}", "key-1").statusCode())
                .isEqualTo(200);
        HttpResponse<String> repeat = postQuery(key, "{\"prompt\":\"once\"}", "key-1");
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(postQuery(key, "{\"prompt\":\"not once\"}", "key-1").statusCode())
                .isEqualTo(422);
        assertThat(postQuery(key, "{}", null).statusCode()).isEqualTo(400);
        assertThat(send(request("/query", key)
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                                .build())
                        .statusCode())
                .isEqualTo(415);

        String capped = createKey("capped");
        setLimits("capped", 0, 1);
        assertThat(postQuery(capped, "{\"prompt\":\"fills the cap\"}", null).statusCode())
                .isEqualTo(200);
        assertThat(postQuery(capped, "{\"prompt\":\"over the cap\"}", null).statusCode())
                .isEqualTo(429);
        String ratey = createKey("ratey");
        setLimits("ratey", 1, 0);
        assertThat(postQuery(ratey, "{\"prompt\":\"within the rate\"}", null).statusCode())
                .isEqualTo(200);
        assertThat(postQuery(ratey, "{\"prompt\":\"over the rate\"}", null).statusCode())
                .isEqualTo(429);

        PrometheusScrape scrape = PrometheusScrape.of(port);
        assertThat(scrape.value("llmq_queries_submitted_queries_total", tags("priority", "normal")))
                .hasValue(6);
        assertThat(scrape.value("llmq_queries_submitted_queries_total", tags("priority", "high")))
                .hasValue(1);
        assertThat(scrape.value("llmq_queries_submitted_queries_total", tags("priority", "low")))
                .hasValue(0);
        assertThat(scrape.value("llmq_queries_refused_queries_total", tags("reason", "invalid")))
                .hasValue(3);
        assertThat(scrape.value("llmq_queries_refused_queries_total", tags("reason", "in_flight_cap")))
                .hasValue(1);
        assertThat(scrape.value("llmq_queries_refused_queries_total", tags("reason", "rate_limited")))
                .hasValue(1);
        assertThat(scrape.value(
                        "llmq_redis_command_duration_seconds_count",
                        tags("operation", "query_queue.submit", "outcome", "success")))
                .hasValue(7);
        assertThat(scrape.value(
                        "llmq_redis_command_duration_seconds_count",
                        tags("operation", "query_queue.submitOnce", "outcome", "success")))
                .hasValue(3);
        assertThat(scrape.series("llmq_redis_command_duration_seconds_bucket", tags("operation", "api_keys.create")))
                .hasSizeGreaterThan(10);
        assertThat(scrape.value("llmq_redis_up", tags())).hasValue(1);
    }

    @Test
    @Order(2)
    void cancelsExpiriesWaitersAndStreamsAreCountedOnce() {
        String key = createKey("lifecycle");
        long cancelled = idOf(postQuery(key, "{\"prompt\":\"cancel me\"}", null));
        assertThat(send(request("/query?id=" + cancelled, key).DELETE().build()).statusCode())
                .isEqualTo(200);
        assertThat(send(request("/query?id=" + cancelled, key).DELETE().build()).statusCode())
                .isEqualTo(409);
        String deadline = Instant.now().plusSeconds(1).toString();
        long expiring = idOf(postQuery(key, "{\"prompt\":\"too late\",\"deadline\":\"" + deadline + "\"}", null));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> get("/result?id=" + expiring + "&wait=0", key).body(), body -> body.contains("expired"));
        assertThat(get("/result?id=" + expiring + "&wait=0", key).body()).contains("\"status\":\"expired\"");

        long answered = idOf(postQuery(key, "{\"prompt\":\"wait for me\"}", null));
        List<CompletableFuture<HttpResponse<String>>> waits = List.of(
                HTTP.sendAsync(
                        request("/result?id=" + answered + "&wait=30s", key).build(),
                        HttpResponse.BodyHandlers.ofString()),
                HTTP.sendAsync(
                        request("/result?id=" + answered + "&wait=30s", key).build(),
                        HttpResponse.BodyHandlers.ofString()));
        CompletableFuture<HttpResponse<String>> stream = HTTP.sendAsync(
                request("/result/stream?id=" + answered, key)
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            PrometheusScrape scrape = PrometheusScrape.of(port);
            assertThat(scrape.value("llmq_result_waiters_requests", tags())).hasValue(2);
            assertThat(scrape.value("llmq_result_streams", tags())).hasValue(1);
        });

        answerAsAWorker(new QueryId(answered));
        waits.forEach(wait -> assertThat(wait.join().body()).contains("\"status\":\"succeeded\""));
        assertThat(stream.join().body()).contains("event:outcome");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            PrometheusScrape scrape = PrometheusScrape.of(port);
            assertThat(scrape.value("llmq_result_waiters_requests", tags())).hasValue(0);
            assertThat(scrape.value("llmq_result_streams", tags())).hasValue(0);
            assertThat(scrape.value("llmq_queries_completed_queries_total", tags("outcome", "cancelled")))
                    .hasValue(1);
            assertThat(scrape.value("llmq_queries_completed_queries_total", tags("outcome", "expired")))
                    .hasValue(1);
            // a worker's outcome is counted by the worker that stored it, never by the api
            assertThat(scrape.series("llmq_queries_completed_queries_total", tags()))
                    .extracting(series -> series.labels().get("outcome"))
                    .containsExactlyInAnyOrder("cancelled", "expired");
        });
    }

    @Test
    @Order(3)
    void readinessIsDownWhileRedisIsUnreachableAndLivenessIsNot() {
        assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        server.redis().kill();
        try {
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(
                                    get("/actuator/health/readiness", null).statusCode())
                            .isEqualTo(503));
            assertThat(get("/actuator/health/readiness", null).body()).contains("\"redis\"", "DOWN");
            assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(PrometheusScrape.of(port).value("llmq_redis_up", tags()))
                            .hasValue(0));
        } finally {
            server.redis().restart();
        }
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(
                        () -> assertThat(get("/actuator/health/readiness", null).statusCode())
                                .isEqualTo(200));
        assertThat(PrometheusScrape.of(port).value("llmq_redis_up", tags())).hasValue(1);
    }

    /** Stores an answer for {@code id} through the real work queue, as a worker would; skips the other entries. */
    private static void answerAsAWorker(QueryId id) {
        if (workerClient == null) {
            workerClient =
                    RedisClients.connect(server.redis().url(), Duration.ofSeconds(2), 4, "monitoring-test-worker");
        }
        RedisWorkQueue queue = new RedisWorkQueue(workerClient, "monitoring-test-worker", Duration.ofHours(1));
        queue.ensureGroup();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            for (Delivery delivery : queue.read(100, Duration.ofMillis(100))) {
                if (delivery.query().id().equals(id)) {
                    Outcome answer = Outcomes.answered(id, delivery.query().tenant(), "the answer");
                    return queue.finish(delivery, answer);
                }
            }
            return false;
        });
    }

    private static Map<String, String> tags(String... pairs) {
        Map<String, String> tags = new HashMap<>(Map.of("application", "api-service"));
        for (int i = 0; i < pairs.length; i += 2) {
            tags.put(pairs[i], pairs[i + 1]);
        }
        return tags;
    }

    private String createKey(String tenant) {
        HttpResponse<String> created = send(request("/admin/keys", ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"" + tenant + "\",\"name\":\"metrics\"}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher secret = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(created.body());
        assertThat(secret.find()).isTrue();
        return secret.group(1);
    }

    private void setLimits(String tenant, int requestsPerMinute, int maxInFlight) {
        HttpResponse<String> set = send(request("/admin/tenants/" + tenant, ADMIN_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"requests_per_minute\":" + requestsPerMinute + ",\"max_in_flight\":" + maxInFlight + "}"))
                .build());
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    private HttpResponse<String> postQuery(String key, String json, @Nullable String idempotencyKey) {
        HttpRequest.Builder request = request("/query", key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    private HttpResponse<String> get(String path, @Nullable String key) {
        return send(request(path, key).build());
    }

    private HttpRequest.Builder request(String path, @Nullable String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(40));
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }

    private static long idOf(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher id = ID.matcher(response.body());
        assertThat(id.find()).isTrue();
        return Long.parseLong(id.group(1));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
