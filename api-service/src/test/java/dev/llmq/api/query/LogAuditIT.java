package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prompts, answers, idempotency keys and API keys never appear in the api-service's log, not even when Redis stops
 * answering; its lines are JSON naming the query and tenant they are about.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "llmq.redis.command-timeout=300ms",
            "logging.config=classpath:logback-structured-test.xml"
        })
@ExtendWith(OutputCaptureExtension.class)
class LogAuditIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROMPT = "prompt-that-must-not-be-logged";
    private static final String ANSWER = "answer-that-must-not-be-logged";
    private static final String IDEMPOTENCY_KEY = "idempotency-key-that-must-not-be-logged";
    private static final String API_KEY = "sk-api-key-that-must-not-be-logged";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @RegisterExtension
    static StandInWorker standIn = new StandInWorker(server);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Test
    void queryTextAndKeysNeverReachTheLog(CapturedOutput output) {
        ApiTestSupport api = new ApiTestSupport(port);
        HttpResponse<String> posted = api.send(submit());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        long id = ApiTestSupport.idOf(posted);
        List<Delivery> deliveries = standIn.queue().read(1, Duration.ofSeconds(2));
        standIn.queue().finish(deliveries.getFirst(), Outcomes.answered(new QueryId(id), ANSWER));
        assertThat(api.get("/result?id=" + id).body()).contains(ANSWER);

        // a Redis that stops answering makes commands time out, and Redisson's timeout names the command's arguments
        server.redis().call("CLIENT", "PAUSE", "3000", "ALL");
        HttpResponse<String> refused = api.send(submit());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(api.get("/result?id=" + id).statusCode()).isEqualTo(200));

        assertThat(output.getAll())
                .contains("Redis is unavailable")
                .doesNotContain(PROMPT)
                .doesNotContain(ANSWER)
                .doesNotContain(IDEMPOTENCY_KEY)
                .doesNotContain(API_KEY);
        assertThat(jsonLines(output, "query=" + id + " accepted"))
                .as("the request's line names the query, its tenant and its trace")
                .singleElement()
                .satisfies(line -> {
                    assertThat(line.path("query_id").asString()).isEqualTo(Long.toString(id));
                    assertThat(line.path("tenant").asString()).isEqualTo("local");
                    assertThat(line.path("traceId").asString()).matches("[0-9a-f]{32}");
                    assertThat(line.path("service").path("name").asString()).isEqualTo("api-service");
                });
        assertThat(jsonLines(output, "Redis is unavailable"))
                .as("a failing request's line names its tenant")
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("tenant").asString()).isEqualTo("local"));
    }

    /** The captured ECS JSON log lines whose message contains {@code text}. */
    private static List<JsonNode> jsonLines(CapturedOutput output, String text) {
        return output.getAll()
                .lines()
                .filter(line -> line.startsWith("{"))
                .map(JSON::readTree)
                .filter(line -> line.path("message").asString().contains(text))
                .toList();
    }

    private HttpRequest submit() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .header("Idempotency-Key", IDEMPOTENCY_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + PROMPT + "\"}"))
                .build();
    }
}
