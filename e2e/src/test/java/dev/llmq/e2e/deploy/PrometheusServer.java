package dev.llmq.e2e.deploy;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on a free loopback port with a temporary storage
 * directory, and its HTTP API. {@link #close()} stops it and deletes the directory; a JVM shutdown hook kills it if
 * the test never gets there.
 */
final class PrometheusServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final Path directory;
    private final Path log;
    private final String url;
    private final Thread killer;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path directory, Path log, String url) {
        this.process = process;
        this.directory = directory;
        this.log = log;
        this.url = url;
        this.killer = new Thread(process::destroyForcibly, "kill-prometheus");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts {@code binary} with the config {@code write} puts into the server's directory; waits until it is ready. */
    static PrometheusServer start(Path binary, Function<Path, Path> write) {
        try {
            Path directory = Files.createTempDirectory("llmq-prometheus");
            Path config = write.apply(directory);
            int port = FreePorts.find();
            Path log = Path.of("target", "process-logs", "prometheus-" + port + ".log");
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(
                            binary.toString(),
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + directory.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, directory, log, "http://127.0.0.1:" + port);
            server.awaitReady();
            return server;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start " + binary, ex);
        }
    }

    private void awaitReady() {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(
                                "prometheus exited with " + process.exitValue() + ":\n" + output());
                    }
                    try {
                        return get("/-/ready").statusCode() == 200;
                    } catch (UncheckedIOException ex) {
                        return false;
                    }
                });
    }

    /** The {@code data} of an API answer ({@code /api/v1/...}), after checking that its status is success. */
    JsonNode api(String path, Map<String, String> parameters) {
        String query = parameters.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = get(path + (query.isEmpty() ? "" : "?" + query));
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200
                || !"success".equals(body.path("status").asString(""))) {
            throw new IllegalStateException(
                    path + " " + parameters + " answered " + response.statusCode() + ": " + response.body());
        }
        return body.get("data");
    }

    /** The series {@code expr} gives at each {@code step} from {@code start} to now ({@code query_range}). */
    JsonNode queryRange(String expr, Instant start, Duration step) {
        return api(
                        "/api/v1/query_range",
                        Map.of(
                                "query",
                                expr,
                                "start",
                                String.valueOf(start.getEpochSecond()),
                                "end",
                                String.valueOf(Instant.now().getEpochSecond()),
                                "step",
                                step.toSeconds() + "s"))
                .get("result");
    }

    /** Waits until the instant query {@code expr} returns a series: Prometheus has scraped and evaluated it. */
    void awaitResult(String expr, Duration timeout) {
        await().atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> !api("/api/v1/query", Map.of("query", expr))
                        .get("result")
                        .isEmpty());
    }

    private HttpResponse<String> get(String pathAndQuery) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url + pathAndQuery))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(killer);
        deleteRecursively(directory);
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot delete " + directory, ex);
        }
    }

    /** The rule groups Prometheus loaded, with each rule's health. */
    List<JsonNode> ruleGroups() {
        List<JsonNode> groups = new ArrayList<>();
        api("/api/v1/rules", Map.of()).get("groups").forEach(groups::add);
        return groups;
    }
}
