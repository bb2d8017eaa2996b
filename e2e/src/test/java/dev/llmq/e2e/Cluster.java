package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.FreePorts;
import dev.llmq.shared.testing.RedisDeployment;
import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts llmq's jars as processes against one test Redis (one server, a Redis Cluster or Sentinel), and talks to them
 * over HTTP; closes them all. Public for the tests of the deploy/ artefacts in {@code dev.llmq.e2e.deploy}.
 */
public final class Cluster implements AutoCloseable {

    // generous: a JVM starting next to a few others on a loaded 2-core machine has taken 95 s
    static final Duration STARTUP = Duration.ofSeconds(150);

    static {
        // the three jars' start-up caches, trained side by side before this test JVM's first start
        ServiceProcess.prepare("llm-simulator", "api-service", "worker-service");
    }

    private final RedisDeployment redis;
    // services may be started from several threads at once, to start in parallel
    private final List<ServiceProcess> processes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Map<String, String>> apiEnvironments = new java.util.concurrent.ConcurrentHashMap<>();
    private String simulatorUrl;

    public Cluster(RedisDeployment redis) {
        this.redis = redis;
    }

    /** The simulator's OpenAI base URL ({@code http://127.0.0.1:<port>/v1}), once started. */
    public String simulatorUrl() {
        return simulatorUrl;
    }

    /** Starts the simulator with the given time to first token and extra arguments (no per-token delay unless given). */
    public void startSimulator(Duration timeToFirstToken, String... args) {
        List<String> all =
                new ArrayList<>(List.of("--llmq.simulator.time-to-first-token=" + timeToFirstToken.toMillis() + "ms"));
        all.addAll(List.of(args));
        if (all.stream().noneMatch(arg -> arg.startsWith("--llmq.simulator.per-token-delay="))) {
            all.add("--llmq.simulator.per-token-delay=0ms");
        }
        ServiceProcess.Listening simulator = ServiceProcess.startListening(
                FreePorts::find,
                port -> track(ServiceProcess.start(
                        "llm-simulator",
                        Map.of(),
                        Stream.concat(Stream.of("--server.port=" + port), all.stream())
                                .toArray(String[]::new))),
                "Started LlmSimulatorApplication",
                STARTUP);
        simulatorUrl = "http://127.0.0.1:" + simulator.port() + "/v1";
    }

    /** Calls one of the simulator's control endpoints ({@code /simulator/...}) with a JSON body, or DELETE without. */
    public HttpResponse<String> controlSimulator(String method, String path, String json) {
        String base = simulatorUrl.substring(0, simulatorUrl.length() - "/v1".length());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    /** Starts an api-service; returns its process and base URL. */
    public Api startApi() {
        return startApi(Map.of());
    }

    /**
     * Starts an api-service with extra environment variables (e.g. {@code LLMQ_API_ADMIN_KEY}), which win over the
     * Redis deployment's.
     */
    public Api startApi(Map<String, String> environment) {
        // a port below the ephemeral range, of this test JVM's own block: no outgoing connection takes it during a slow
        // start-up, and it is still free when a restarted replica comes back on it (see FreePorts); should another
        // process hold it all the same, the api starts again on the next one (ServiceProcess.startListening)
        return startApi(FreePorts::find, environment);
    }

    /**
     * Starts an api-service again on the port and with the environment of {@code api}, whose process has stopped
     * (e.g. after {@link ServiceProcess#kill()}), as a restarted replica behind a fixed address would come back.
     */
    public Api restartApi(Api api) {
        if (api.process().isAlive()) {
            throw new IllegalStateException(api.process() + " still runs: stop it first");
        }
        int port = Integer.parseInt(api.url().substring(api.url().lastIndexOf(':') + 1));
        return startApi(() -> port, apiEnvironments.getOrDefault(api.url(), Map.of()));
    }

    private Api startApi(IntSupplier ports, Map<String, String> environment) {
        // the caller's variables win, e.g. a REDIS_URL through a fault proxy
        Map<String, String> all = new java.util.HashMap<>(redis.serviceEnvironment());
        all.putAll(environment);
        ServiceProcess.Listening api = ServiceProcess.startListening(
                ports,
                port -> track(ServiceProcess.start("api-service", all, "--server.port=" + port)),
                "Started ApiServiceApplication",
                STARTUP);
        String url = "http://127.0.0.1:" + api.port();
        apiEnvironments.put(url, Map.copyOf(environment));
        return new Api(api.process(), url);
    }

    /** Starts a worker calling the simulator, with extra {@code --llmq.worker.*} style arguments. */
    public ServiceProcess startWorker(String... args) {
        return startWorker(Map.of(), args);
    }

    /** Starts a worker calling the simulator, with extra environment variables (winning over the Redis deployment's). */
    public ServiceProcess startWorker(Map<String, String> environment, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--llmq.llm.base-url=" + simulatorUrl));
        all.addAll(List.of(args));
        Map<String, String> variables = new java.util.HashMap<>(redis.serviceEnvironment());
        variables.put("OPENAI_API_KEY", "sk-e2e");
        variables.putAll(environment);
        return track(ServiceProcess.start("worker-service", variables, all.toArray(String[]::new))
                .awaitLog("consuming {llmq}:queries", STARTUP));
    }

    private ServiceProcess track(ServiceProcess process) {
        processes.add(process);
        return process;
    }

    public HttpResponse<String> post(Api api, String prompt) {
        return postJson(api, "{\"prompt\":\"" + prompt + "\"}");
    }

    public long submit(Api api, String prompt) {
        HttpResponse<String> response = post(api, prompt);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return idOf(response.body());
    }

    public HttpResponse<String> result(Api api, long id, String wait) {
        return send(HttpRequest.newBuilder(URI.create(api.url() + "/result?id=" + id + "&wait=" + wait))
                .GET()
                .build());
    }

    /** Waits until every id has a stored outcome in Redis. */
    public void awaitOutcomes(List<Long> ids, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(ids)
                        .allSatisfy(id -> assertThat(redis.call("EXISTS", "query_result_" + id))
                                .isEqualTo(1L)));
    }

    /** Posts a JSON body to {@code /query}. */
    public HttpResponse<String> postJson(Api api, String json) {
        return send(HttpRequest.newBuilder(URI.create(api.url() + "/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** Cancels a query with {@code DELETE /query?id=N}. */
    public HttpResponse<String> cancel(Api api, long id) {
        return send(HttpRequest.newBuilder(URI.create(api.url() + "/query?id=" + id))
                .DELETE()
                .build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public static long idOf(String body) {
        Matcher matcher = Pattern.compile("\"id\":(\\d+)").matcher(body);
        assertThat(matcher.find()).as("an id in %s", body).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    /** How many times a worker's log says it stored an outcome for {@code id}. */
    static long storedCount(ServiceProcess worker, long id) {
        Pattern stored = Pattern.compile("query=" + id + " entry=\\S+ \\w+ \\(stored\\)");
        return worker.output()
                .lines()
                .filter(line -> stored.matcher(line).find())
                .count();
    }

    @Override
    public void close() {
        processes.forEach(ServiceProcess::close);
    }

    /** A running api-service. */
    public record Api(ServiceProcess process, String url) {}
}
