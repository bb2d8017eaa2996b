package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.ChatMessage;
import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The HTTP contract against a real Redis; a test-side worker completes queries through the shared work queue. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-service", "llmq.api.result-wait=2s"})
class QueryApiIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @RegisterExtension
    static StandInWorker standIn = new StandInWorker(server);

    @LocalServerPort
    int port;

    @Autowired
    ResultWaiters waiters;

    private ApiTestSupport api;
    private RedisWorkQueue worker;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeEach
    void setUp() {
        api = new ApiTestSupport(port);
        worker = standIn.queue();
    }

    @Test
    void postedQueryIsOnTheStreamAndItsAnswerIsServedAsTheSeedShows() {
        HttpResponse<String> posted = api.postQuery("Hello, how can I assist you today?");

        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(posted.body()).contains("\"message\":\"Query received\"", "\"status\":\"queued\"");
        long id = ApiTestSupport.idOf(posted);
        Delivery delivery = readOne(id);
        assertThat(delivery.query().prompt()).isEqualTo("Hello, how can I assist you today?");

        worker.finish(delivery, answer(id, "Hello! How can I assist you today?"));

        HttpResponse<String> result = api.get("/result?id=" + id);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(result.body())
                .contains("\"text\":\"Hello! How can I assist you today?\"", "\"status\":\"succeeded\"");
    }

    @Test
    void aConversationWithModelAndOptionsTravelsOnTheStream() {
        HttpResponse<String> posted = api.post("/query", "application/json", """
                {"messages": [{"role": "system", "content": "Answer in French."},
                              {"role": "user", "content": "Hello"}],
                 "model": "gpt-4o", "max_tokens": 20, "temperature": 0.3, "top_p": 0.5,
                 "stop": "END", "seed": 42, "response_format": {"type": "json_object"}}
                """);

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        QueryRequest request = readOne(ApiTestSupport.idOf(posted)).query().request();
        assertThat(request.messages())
                .containsExactly(
                        new ChatMessage(ChatMessage.Role.SYSTEM, "Answer in French."),
                        new ChatMessage(ChatMessage.Role.USER, "Hello"));
        assertThat(request.model()).isEqualTo("gpt-4o");
        assertThat(request.options())
                .isEqualTo(new GenerationOptions(
                        20, 0.3, 0.5, List.of("END"), 42L, GenerationOptions.ResponseFormat.JSON_OBJECT));
    }

    @Test
    void aWaitingGetReturnsAsSoonAsTheOutcomeIsStored() throws Exception {
        long id = ApiTestSupport.idOf(api.postQuery("slow one"));
        Delivery delivery = readOne(id);

        var pending =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> api.get("/result?id=" + id + "&wait=30s"));
        await().atMost(Duration.ofSeconds(5)).until(() -> waiters.size() == 1);
        worker.finish(delivery, answer(id, "done"));

        HttpResponse<String> result = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("\"text\":\"done\"");
    }

    @Test
    void aFailureIsReportedAsFailedWithAnErrorNeverAsText() {
        long id = ApiTestSupport.idOf(api.postQuery("doomed"));
        worker.finish(readOne(id), Outcomes.failed(new QueryId(id), new QueryError("llm_error", "401 invalid key")));

        HttpResponse<String> result = api.get("/result?id=" + id);

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body())
                .contains("\"status\":\"failed\"", "\"code\":\"llm_error\"")
                .doesNotContain("\"text\"");
    }

    @Test
    void anUnfinishedQueryAnswers202WithItsStatusAfterTheWait() {
        long id = ApiTestSupport.idOf(api.postQuery("nobody works"));

        HttpResponse<String> queued = api.get("/result?id=" + id + "&wait=100ms");
        assertThat(queued.statusCode()).isEqualTo(202);
        assertThat(queued.body())
                .startsWith("{\"id\":" + id + ",\"status\":\"queued\",\"submitted_at\":\"")
                .endsWith("\"attempts\":0}");

        Instant started = Instant.parse("2026-12-01T10:00:00Z");
        worker.begin(readOne(id), started);
        HttpResponse<String> running = api.get("/result?id=" + id + "&wait=0");
        assertThat(running.statusCode()).isEqualTo(202);
        assertThat(running.body())
                .contains("\"status\":\"running\"", "\"started_at\":\"2026-12-01T10:00:00Z\"", "\"attempts\":1");
    }

    @Test
    void anIdNeverIssuedIs404ProblemJson() {
        HttpResponse<String> result = api.get("/result?id=987654321");

        assertThat(result.statusCode()).isEqualTo(404);
        assertThat(result.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(result.body()).contains("\"status\":404", "987654321");
    }

    @Test
    void aGetThatStartsWaitingJustBeforeTheResultIsStoredAlwaysWakes() throws Exception {
        for (int round = 0; round < 200; round++) {
            long id = ApiTestSupport.idOf(api.postQuery("race " + round));
            Delivery delivery = readOne(id);
            var pending =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> api.get("/result?id=" + id + "&wait=20s"));
            worker.finish(delivery, answer(id, "answer " + round));

            HttpResponse<String> result = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result.statusCode()).as("round %d", round).isEqualTo(200);
            assertThat(result.body()).contains("\"text\":\"answer " + round + "\"");
        }
    }

    private Delivery readOne(long id) {
        List<Delivery> deliveries = worker.read(1, Duration.ofSeconds(2));
        assertThat(deliveries)
                .singleElement()
                .satisfies(d -> assertThat(d.query().id().value()).isEqualTo(id));
        return deliveries.getFirst();
    }

    private static Outcome answer(long id, String text) {
        return Outcomes.answered(new QueryId(id), text);
    }
}
