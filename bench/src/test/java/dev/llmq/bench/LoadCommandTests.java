package dev.llmq.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench/run load} against a service that speaks the contract over real HTTP: a small one in this JVM that
 * refuses every 7th submission with 429, answers 202 to each query's first wait, and fails every 5th query it
 * accepted.
 */
class LoadCommandTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpServer server;
    private final AtomicLong submissions = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final Set<String> prompts = ConcurrentHashMap.newKeySet();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    private final Map<Long, Boolean> waitedOnce = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/query", this::query);
        server.createContext("/result", this::result);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void offersTheRateAndCountsEachKindOfFailureApart() throws Exception {
        LoadCommand.Options options = LoadCommand.Options.parse(
                List.of(
                        "--url", url() + "/",
                        "--rate", "50",
                        "--seconds", "1",
                        "--prompt", "say \"hi\" to {i}",
                        "--wait", "1",
                        "--drain", "10"),
                " llmq_test_key ");

        ScenarioResult result = LoadCommand.run(options);

        Map<String, Object> figures = figures(result);
        long refused = LongStream.range(1, 51).filter(n -> n % 7 == 0).count();
        long accepted = 50 - refused;
        long failedOutcomes =
                LongStream.rangeClosed(1, accepted).filter(id -> id % 5 == 0).count();
        assertThat(figures)
                .containsEntry("url", url())
                .containsEntry("offered", 50L)
                .containsEntry("completed", accepted - failedOutcomes)
                .containsEntry("failed", refused + failedOutcomes)
                .containsEntry("unfinished", 0L)
                .containsEntry("failures", Map.of("POST /query 429", refused, "outcome failed", failedOutcomes));
        assertThat((Double) figures.get("p50_ms")).isPositive();
        assertThat(prompts)
                .as("each query's own prompt, its quotes sent as JSON")
                .isEqualTo(LongStream.range(0, 50)
                        .mapToObj(i -> "say \"hi\" to " + i)
                        .collect(Collectors.toSet()));
        assertThat(authorizations).containsExactly("Bearer llmq_test_key");
        assertThat(waitedOnce)
                .as("every accepted query was waited for again after a 202")
                .hasSize((int) accepted);
        assertThat(result.line()).startsWith("load: url=" + url() + " offered_qps=50 offered=50 ");
    }

    @Test
    void saysAtOnceWhenNothingAnswersAtTheAddress() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        LoadCommand.Options options =
                LoadCommand.Options.parse(List.of("--url", "http://127.0.0.1:" + closed, "--seconds", "60"), null);

        long started = System.nanoTime();
        assertThatThrownBy(() -> LoadCommand.run(options))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot reach http://127.0.0.1:" + closed);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void refusesArgumentsItCannotUseAndSaysWhy() {
        assertThatThrownBy(() -> LoadCommand.Options.parse(List.of("--rate", "5"), null))
                .hasMessage("--url is required");
        assertThatThrownBy(() -> LoadCommand.Options.parse(List.of("--url", "localhost:8080"), null))
                .hasMessageContaining("--url must be an http:// or https:// address");
        assertThatThrownBy(() -> LoadCommand.Options.parse(List.of("--url", url(), "--rate", "-1"), null))
                .hasMessage("--rate must be a positive number, not '-1'");
        assertThatThrownBy(() -> LoadCommand.Options.parse(List.of("--url", url(), "--seconds", "soon"), null))
                .hasMessage("--seconds must be a positive number, not 'soon'");
        assertThatThrownBy(() -> LoadCommand.Options.parse(List.of("--url", url(), "--rps", "5"), null))
                .hasMessage("unknown option '--rps'");
        assertThatThrownBy(() -> LoadCommand.Options.parse(List.of("--url"), null))
                .hasMessage("--url needs a value");
    }

    @Test
    void defaultsToTenQueriesASecondForThirtySecondsWithoutAKey() {
        LoadCommand.Options options = LoadCommand.Options.parse(List.of("--url", url()), "  ");

        assertThat(options.rate()).isEqualTo(10);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.resultWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.apiKey()).isNull();
        assertThat(options.promptOf(7)).isEqualTo("Say hello to query 7");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> figures(ScenarioResult result) {
        return (Map<String, Object>) result.record().get("figures");
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void query(HttpExchange exchange) throws IOException {
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        prompts.add(JSON.readTree(exchange.getRequestBody()).get("prompt").asString());
        if (submissions.incrementAndGet() % 7 == 0) {
            reply(exchange, 429, "{\"title\":\"Too Many Requests\",\"status\":429}");
            return;
        }
        reply(exchange, 200, "{\"message\":\"Query received\",\"id\":" + ids.incrementAndGet() + "}");
    }

    private void result(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long id = Long.parseLong(query.replaceAll(".*\\bid=(\\d+).*", "$1"));
        if (id == 0) {
            reply(exchange, 404, "{\"title\":\"Not Found\",\"status\":404}");
        } else if (waitedOnce.putIfAbsent(id, true) == null) {
            reply(exchange, 202, "{\"id\":" + id + ",\"status\":\"queued\"}");
        } else if (id % 5 == 0) {
            reply(exchange, 200, "{\"id\":" + id + ",\"status\":\"failed\",\"error\":{\"code\":\"llm_error\"}}");
        } else {
            reply(exchange, 200, "{\"id\":" + id + ",\"status\":\"succeeded\",\"text\":\"hello\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
