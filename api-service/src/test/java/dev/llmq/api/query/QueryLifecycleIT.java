package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.Begun;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Status, cancel, idempotency keys, priorities and deadlines over real HTTP against a real Redis. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-service", "llmq.api.result-wait=0s"})
class QueryLifecycleIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @RegisterExtension
    static StandInWorker standIn = new StandInWorker(server);

    @LocalServerPort
    int port;

    private ApiTestSupport api;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeEach
    void setUp() {
        api = new ApiTestSupport(port);
        standIn.queue();
    }

    @Test
    void fiftyParallelPostsWithOneIdempotencyKeyCreateExactlyOneQuery() throws Exception {
        long streamBefore = streamLength(RedisKeys.QUERY_STREAM);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(50)) {
            for (int i = 0; i < 50; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return postWithKey("parallel-key-1", "{\"prompt\":\"only once\"}");
                }));
            }
            start.countDown();
            Set<Long> ids = new HashSet<>();
            int replayed = 0;
            for (Future<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                ids.add(ApiTestSupport.idOf(response));
                if (response.headers()
                        .firstValue("Idempotent-Replayed")
                        .orElse("")
                        .equals("true")) {
                    replayed++;
                }
            }
            assertThat(ids).hasSize(1);
            assertThat(replayed).isEqualTo(49);
        }
        assertThat(streamLength(RedisKeys.QUERY_STREAM)).isEqualTo(streamBefore + 1);
    }

    @Test
    void theSameIdempotencyKeyWithAnotherBodyIs422() {
        HttpResponse<String> first = postWithKey("key-for-a", "{\"prompt\":\"a\"}");
        HttpResponse<String> again = postWithKey("key-for-a", "{\"prompt\":\"a\"}");
        HttpResponse<String> other = postWithKey("key-for-a", "{\"prompt\":\"b\"}");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).contains("false");
        assertThat(ApiTestSupport.idOf(again)).isEqualTo(ApiTestSupport.idOf(first));
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(other.body()).contains("Idempotency-Key was already used for a different request");
    }

    @Test
    void aQueuedQueryCancelledEndsCancelledAndASecondCancelIs409() {
        long id = ApiTestSupport.idOf(api.postQuery("cancel me"));

        HttpResponse<String> cancelled = delete(id);
        HttpResponse<String> again = delete(id);
        HttpResponse<String> result = api.get("/result?id=" + id);

        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(cancelled.body()).contains("\"status\":\"cancelled\"", "\"attempts\":0", "\"submitted_at\"");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(again.body()).contains("\"outcome\":\"cancelled\"", "already ended");
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).isEqualTo(cancelled.body());
        Delivery delivery = readOne(id);
        assertThat(standIn.queue().begin(delivery, Instant.now()))
                .as("a worker that reads it finds the outcome and skips the LLM")
                .isInstanceOf(Begun.Finished.class);
    }

    @Test
    void cancellingAnAnsweredQueryIs409AndTheAnswerStands() {
        long id = ApiTestSupport.idOf(api.postQuery("fast one"));
        standIn.queue().finish(readOne(id), Outcomes.answered(new QueryId(id), "already done"));

        HttpResponse<String> cancel = delete(id);

        assertThat(cancel.statusCode()).isEqualTo(409);
        assertThat(cancel.body()).contains("\"outcome\":\"succeeded\"");
        assertThat(api.get("/result?id=" + id).body()).contains("\"text\":\"already done\"");
    }

    @Test
    void cancellingAnUnknownQueryIs404() {
        assertThat(delete(987_654_321L).statusCode()).isEqualTo(404);
    }

    @Test
    void aQueryStillQueuedAtItsDeadlineEndsExpired() {
        Instant deadline = Instant.now().plusMillis(300);
        long id = ApiTestSupport.idOf(
                api.post("/query", "application/json", "{\"prompt\":\"slow lane\",\"deadline\":\"" + deadline + "\"}"));
        HttpResponse<String> before = api.get("/result?id=" + id);
        assertThat(before.statusCode()).isEqualTo(202);
        assertThat(before.body()).contains("\"deadline\":\"" + deadline + "\"");

        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> api.get("/result?id=" + id).statusCode() == 200);

        assertThat(api.get("/result?id=" + id).body())
                .contains("\"status\":\"expired\"", "\"deadline\":\"" + deadline + "\"", "\"attempts\":0");
        assertThat(standIn.queue().begin(readOne(id), Instant.now())).isInstanceOf(Begun.Finished.class);
    }

    @Test
    void aHighPriorityQueryWaitsInTheHighPriorityStream() {
        long before = streamLength(RedisKeys.HIGH_PRIORITY_STREAM);

        HttpResponse<String> posted =
                api.post("/query", "application/json", "{\"prompt\":\"urgent\",\"priority\":\"high\"}");

        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(streamLength(RedisKeys.HIGH_PRIORITY_STREAM)).isEqualTo(before + 1);
        assertThat(readOne(ApiTestSupport.idOf(posted)).query().priority())
                .isEqualTo(dev.llmq.shared.query.Priority.HIGH);
    }

    @Test
    void badPrioritiesDeadlinesAndIdempotencyKeysAre400() {
        assertBadRequest(
                api.post("/query", "application/json", "{\"prompt\":\"x\",\"priority\":\"urgent\"}"), "'priority'");
        assertBadRequest(api.post("/query", "application/json", "{\"prompt\":\"x\",\"priority\":1}"), "'priority'");
        assertBadRequest(
                api.post("/query", "application/json", "{\"prompt\":\"x\",\"deadline\":\"tomorrow\"}"), "RFC 3339");
        assertBadRequest(
                api.post("/query", "application/json", "{\"prompt\":\"x\",\"deadline\":\"2020-01-01T00:00:00Z\"}"),
                "already passed");
        assertBadRequest(
                api.post("/query", "application/json", "{\"prompt\":\"x\",\"deadline\":\"2999-01-01T00:00:00Z\"}"),
                "no later than");
        assertBadRequest(postWithKey("k".repeat(256), "{\"prompt\":\"x\"}"), "Idempotency-Key");
        assertBadRequest(delete("1;DEL x"), "query id");
    }

    private static void assertBadRequest(HttpResponse<String> response, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains(detail);
    }

    private HttpResponse<String> postWithKey(String key, String body) {
        return api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private HttpResponse<String> delete(long id) {
        return delete(Long.toString(id));
    }

    private HttpResponse<String> delete(String id) {
        return api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query?id="
                        + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)))
                .DELETE()
                .build());
    }

    private long streamLength(String stream) {
        return (Long) server.redis().call("XLEN", stream);
    }

    private Delivery readOne(long id) {
        for (int round = 0; round < 20; round++) {
            for (Delivery delivery : standIn.queue().read(100, Duration.ofMillis(100))) {
                if (delivery.query().id().value() == id) {
                    return delivery;
                }
                standIn.queue().discard(delivery);
            }
        }
        throw new AssertionError("query " + id + " never reached the stream");
    }
}
