package dev.llmq.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import dev.llmq.shared.testing.FreePorts;
import dev.llmq.shared.testing.PrometheusScrape;
import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The one-command run as a user starts it: the built standalone jar as its own process, with its embedded Redis and
 * the built-in simulator, driven over HTTP like the README's curl examples. Each test has its own ports and data
 * folder, so they run side by side (a run's start-up is most of a test's time).
 */
@Execution(ExecutionMode.CONCURRENT)
class StandaloneIT {

    private static final String SEED_PROMPT = "Hello, how can I assist you today?";
    /** Startup takes ~8 s alone; generous because the build may run other JVMs on the same two cores. */
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final Pattern EMBEDDED_REDIS_PORT =
            Pattern.compile("Redis: embedded redis-server on 127\\.0\\.0\\.1:(\\d+) ");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ServiceProcess> started = new ArrayList<>();

    @TempDir
    Path dataDir;

    private int apiPort;
    private int redisPort;

    @BeforeEach
    void choosePorts() {
        apiPort = FreePorts.find();
        do {
            redisPort = FreePorts.find();
        } while (redisPort == apiPort);
    }

    @AfterEach
    void stopWhatTheTestStarted() {
        for (ServiceProcess run : started) {
            List<ProcessHandle> children = ProcessHandle.of(run.pid())
                    .map(handle -> handle.descendants().toList())
                    .orElse(List.of());
            try {
                if (run.isAlive()) {
                    run.terminate(GRACE);
                }
            } catch (IllegalStateException ex) {
                // terminate already killed it; its children are handled below
            } finally {
                run.close();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void theSeedCurlExamplesWorkAgainstTheOneCommandRun() {
        ServiceProcess run = startRun();

        HttpResponse<String> posted = postQuery(SEED_PROMPT);
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(json(posted))
                .containsEntry("message", "Query received")
                .containsEntry("status", "queued")
                .containsKey("id");

        long id = idOf(posted);
        HttpResponse<String> result = awaitOutcome(id);
        assertThat(json(result))
                .containsEntry("status", "succeeded")
                .containsEntry("text", "Simulated answer to: Hello, how can I assist you today?");
        assertThat(idOf(result)).isEqualTo(id);

        // one scrape shows both contexts' meters, as one JVM; readiness covers Redis
        PrometheusScrape scrape = PrometheusScrape.of(apiPort);
        Map<String, String> standalone = Map.of("application", "llmq-standalone");
        assertThat(scrape.value("llmq_queries_submitted_queries_total", standalone))
                .hasValue(1);
        assertThat(scrape.value(
                        "llmq_queries_completed_queries_total",
                        Map.of("application", "llmq-standalone", "outcome", "succeeded")))
                .hasValue(1);
        assertThat(scrape.value("llmq_worker_consumers", standalone)).hasValue(1);
        assertThat(scrape.value("llmq_redis_up", standalone)).hasValue(1);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        assertThat(run.output())
                .contains("answers are simulated")
                .contains("Redis: embedded redis-server on 127.0.0.1:" + redisPort + " ")
                .contains(dataDir.toString());
    }

    @Test
    void queriesSurviveARestartOfTheOneCommandRun() {
        ServiceProcess first = startRun();
        long firstId = idOf(postQuery("Remember me after a restart"));
        HttpResponse<String> answered = awaitOutcome(firstId);
        assertThat(json(answered)).containsEntry("text", "Simulated answer to: Remember me after a restart");
        first.terminate(GRACE);

        startRun();
        HttpResponse<String> afterRestart = get("/result?id=" + firstId);
        assertThat(afterRestart.statusCode()).isEqualTo(200);
        assertThat(json(afterRestart)).isEqualTo(json(answered));

        HttpResponse<String> posted = postQuery("And a new one");
        assertThat(posted.statusCode()).isEqualTo(200);
        long secondId = idOf(posted);
        assertThat(secondId).isGreaterThan(firstId);
        assertThat(json(awaitOutcome(secondId)))
                .containsEntry("status", "succeeded")
                .containsEntry("text", "Simulated answer to: And a new one");
    }

    @Test
    void stoppingTheRunStopsItsEmbeddedRedis() {
        ServiceProcess run = startRun();
        int port = embeddedRedisPort(run);
        assertThat(acceptsConnections(port)).isTrue();
        List<ProcessHandle> redisServers = ProcessHandle.of(run.pid())
                .orElseThrow()
                .descendants()
                .filter(child -> child.info().command().orElse("").contains("redis"))
                .toList();
        assertThat(redisServers).as("redis-server child processes").isNotEmpty();

        run.terminate(GRACE);

        await("no redis-server listening on " + port)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !acceptsConnections(port));
        await("the redis-server processes to exit")
                .atMost(Duration.ofSeconds(15))
                .until(() -> redisServers.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aQueryInFlightWhenTheRunIsStoppedIsFinishedBeforeRedisStops() {
        ServiceProcess run = startRun(Map.of("LLMQ_SIMULATOR_TIME_TO_FIRST_TOKEN", "3s"));
        long id = idOf(postQuery("Finish me before you stop"));
        await("query " + id + " to be running")
                .atMost(ANSWER)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> json(get("/result?id=" + id + "&wait=0")).get("status"), "running"::equals);

        // the 3 s answer plus the worker's stop; far below its 30 s grace
        run.terminate(Duration.ofSeconds(20));

        startRun();
        HttpResponse<String> afterRestart = get("/result?id=" + id + "&wait=0");
        assertThat(afterRestart.statusCode()).as(afterRestart.body()).isEqualTo(200);
        assertThat(json(afterRestart))
                .containsEntry("status", "succeeded")
                .containsEntry("text", "Simulated answer to: Finish me before you stop");
    }

    @Test
    void aRedisOrphanedByAKilledRunIsStoppedBeforeTheNextRunStartsItsOwn() {
        ServiceProcess killed = startRun();
        long firstId = idOf(postQuery("Before the crash"));
        awaitOutcome(firstId);
        ProcessHandle orphan = ProcessHandle.of(killed.pid())
                .orElseThrow()
                .descendants()
                .filter(child -> child.info().command().orElse("").contains("redis"))
                .findFirst()
                .orElseThrow();
        try {
            killed.kill();
            assertThat(orphan.isAlive())
                    .as("kill -9 of the JVM leaves its redis-server running")
                    .isTrue();

            ServiceProcess next = startRun();

            assertThat(orphan.isAlive()).isFalse();
            assertThat(next.output()).contains("left running by an earlier run on this data folder");
            assertThat(json(get("/result?id=" + firstId + "&wait=0")))
                    .containsEntry("text", "Simulated answer to: Before the crash");
        } finally {
            orphan.destroyForcibly();
        }
    }

    private ServiceProcess startRun() {
        return startRun(Map.of());
    }

    /** Starts the jar as {@code ./run} would, on this test's ports and data dir, plus {@code extra} variables. */
    private ServiceProcess startRun(Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "PORT", Integer.toString(apiPort),
                "LLMQ_STANDALONE_REDIS", "embedded",
                "LLMQ_STANDALONE_REDIS_PORT", Integer.toString(redisPort),
                "LLMQ_STANDALONE_DATA_DIR", dataDir.toString(),
                "OPENAI_API_KEY", "",
                "OPENAI_BASE_URL", "",
                "REDIS_URL", ""));
        environment.putAll(extra);
        ServiceProcess run = ServiceProcess.start("standalone", environment);
        started.add(run);
        return run.awaitLog("llmq is ready:", STARTUP);
    }

    private static int embeddedRedisPort(ServiceProcess run) {
        Matcher matcher = EMBEDDED_REDIS_PORT.matcher(run.output());
        assertThat(matcher.find())
                .as("the log names the embedded Redis:%n%s", run.output())
                .isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    /** Waits (server-side, and again while still pending) until the outcome is there; returns the 200 response. */
    private HttpResponse<String> awaitOutcome(long id) {
        return await("the outcome of query " + id)
                .atMost(ANSWER)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get("/result?id=" + id + "&wait=10s"), response -> response.statusCode() == 200);
    }

    private HttpResponse<String> postQuery(String prompt) {
        return send(HttpRequest.newBuilder(uri("/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + prompt + "\"}"))
                .build());
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + apiPort + pathAndQuery);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(
                    HttpRequest.newBuilder(request, (name, value) -> true)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static Map<String, Object> json(HttpResponse<String> response) {
        return JsonPath.read(response.body(), "$");
    }

    private static long idOf(HttpResponse<String> response) {
        Number id = JsonPath.read(response.body(), "$.id");
        return id.longValue();
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException ex) {
            return false;
        }
    }
}
