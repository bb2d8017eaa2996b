package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code GET /result/stream} against a real Redis, with a stand-in worker streaming answer pieces as a worker does. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=api-service")
class AnswerStreamIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @RegisterExtension
    static StandInWorker standIn = new StandInWorker(server);

    private static RedissonClient deltasClient;
    private static AnswerDeltas deltas;

    @LocalServerPort
    int port;

    @Autowired
    AnswerStreams streams;

    private final HttpClient http = HttpClient.newBuilder()
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private ApiTestSupport api;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeAll
    static void start() {
        deltasClient = RedisClients.connect(server.redis().url(), Duration.ofSeconds(2), 4, "test-deltas");
        deltas = new RedisAnswerDeltas(deltasClient, Duration.ofHours(1));
    }

    @AfterAll
    static void stop() {
        deltasClient.shutdown();
    }

    @BeforeEach
    void setUp() {
        api = new ApiTestSupport(port);
    }

    @Test
    void deltasArriveBeforeTheAnswerIsCompleteThenTheOutcome() {
        long id = ApiTestSupport.idOf(api.postQuery("stream me"));
        Delivery delivery = standIn.queue().read(1, Duration.ofSeconds(2)).getFirst();
        SseClient client = open(id, Map.of());

        deltas.append(new QueryId(id), 0, "Hel");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.text().equals("Hel"));
        assertThat(client.isFinished()).isFalse();

        deltas.append(new QueryId(id), 3, "lo");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.text().equals("Hello"));
        standIn.queue().finish(delivery, answer(id, "Hello"));

        await().atMost(Duration.ofSeconds(10)).until(client::isFinished);
        assertThat(client.status()).isEqualTo(200);
        assertThat(client.text()).isEqualTo("Hello");
        assertThat(client.events()).extracting(SseClient.Event::name).containsExactly("delta", "delta", "outcome");
        assertThat(client.events()).extracting(SseClient.Event::id).startsWith("3", "5");
        assertThat(client.events().getLast().data()).contains("\"status\":\"succeeded\"");
    }

    @Test
    void aLateJoinerAndAResumingClientGetTheWholeTextExactlyOnce() {
        long id = ApiTestSupport.idOf(api.postQuery("late"));
        Delivery delivery = standIn.queue().read(1, Duration.ofSeconds(2)).getFirst();
        deltas.append(new QueryId(id), 0, "Hello ");
        deltas.append(new QueryId(id), 6, "wörld");

        SseClient late = open(id, Map.of());
        SseClient resuming = open(id, Map.of("Last-Event-ID", "6"));
        await().atMost(Duration.ofSeconds(10)).until(() -> late.text().equals("Hello wörld"));
        await().atMost(Duration.ofSeconds(10)).until(() -> resuming.text().equals("wörld"));

        deltas.append(new QueryId(id), RedisAnswerDeltas.byteLength("Hello wörld"), "!");
        standIn.queue().finish(delivery, answer(id, "Hello wörld! And the rest."));

        await().atMost(Duration.ofSeconds(10)).until(() -> late.isFinished() && resuming.isFinished());
        assertThat(late.text()).isEqualTo("Hello wörld! And the rest.");
        assertThat(resuming.text()).isEqualTo("wörld! And the rest.");
    }

    @Test
    void aFinishedQueryStreamsItsWholeAnswerAndOutcomeAtOnce() {
        long id = ApiTestSupport.idOf(api.postQuery("done"));
        standIn.queue().finish(standIn.queue().read(1, Duration.ofSeconds(2)).getFirst(), answer(id, "All done."));

        SseClient client = open(id, Map.of());

        await().atMost(Duration.ofSeconds(10)).until(client::isFinished);
        assertThat(client.text()).isEqualTo("All done.");
        assertThat(client.events()).extracting(SseClient.Event::name).containsExactly("delta", "outcome");
    }

    @Test
    void unknownIdsAndBadResumeIdsAreProblems() {
        assertThat(api.get("/result/stream?id=424242").statusCode()).isEqualTo(404);
        long id = ApiTestSupport.idOf(api.postQuery("x"));
        SseClient client = open(id, Map.of("Last-Event-ID", "abc"));
        assertThat(client.status()).isEqualTo(400);
    }

    @Test
    void aThousandStreamsHoldASmallBoundedNumberOfRedisConnections() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(ApiTestSupport.idOf(api.postQuery("many " + i)));
        }
        List<Delivery> deliveries = new ArrayList<>();
        while (deliveries.size() < ids.size()) {
            deliveries.addAll(standIn.queue().read(10, Duration.ofSeconds(1)));
        }
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            clients.add(open(ids.get(i % ids.size()), Map.of()));
        }
        // 1,000 first reads at once may find no place in admission control on a slow machine: a refused client asks
        // again after its Retry-After (1 s), as a client should
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    for (int i = 0; i < clients.size(); i++) {
                        if (clients.get(i).refused()) {
                            clients.set(i, open(ids.get(i % ids.size()), Map.of()));
                        }
                    }
                    return streams.size() == 1_000;
                });

        String clientList = (String) server.redis().call("CLIENT", "LIST");
        assertThat(clientList
                        .lines()
                        .filter(line -> line.contains("name=llmq-api"))
                        .count())
                .isBetween(1L, 16L);

        deliveries.forEach(d -> standIn.queue()
                .finish(d, answer(d.query().id().value(), "answer " + d.query().id())));
        await().atMost(Duration.ofSeconds(60)).until(() -> clients.stream().allMatch(SseClient::isFinished));
        for (int i = 0; i < clients.size(); i++) {
            SseClient client = clients.get(i);
            assertThat(client.text())
                    .as("stream %d: failure %s, events %s", i, client.failure(), client.events())
                    .isEqualTo("answer " + ids.get(i % ids.size()));
        }
        assertThat(streams.size()).isZero();
    }

    private SseClient open(long id, Map<String, String> headers) {
        return new SseClient(http, "http://127.0.0.1:" + port + "/result/stream?id=" + id, headers);
    }

    private static Outcome answer(long id, String text) {
        return Outcomes.answered(new QueryId(id), text);
    }
}
