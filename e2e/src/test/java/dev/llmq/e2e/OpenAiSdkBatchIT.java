package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.simulator.SimulatedAnswers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official {@code openai} npm package, pointed at llmq with {@code baseURL}, runs a 100-line batch end to end
 * against separate api, worker, simulator and Redis processes. Needs node and npm (and the npm registry on first run);
 * without them it skips locally and fails in CI ({@code CI=true}).
 */
class OpenAiSdkBatchIT {

    /** The pinned SDK version; {@code npm install} puts it under {@code target/openai-node}. */
    static final String OPENAI_NODE = "openai@6.49.0";

    private static final Path SDK_DIR = Path.of("target", "openai-node");

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Cluster cluster;
    private static Cluster.Api api;

    @BeforeAll
    static void start() {
        Tools.require("for the openai-node batch test", "node", "npm");
        installSdk();
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ofMillis(20));
        api = cluster.startApi();
        cluster.startWorker("--llmq.worker.max-in-flight=32");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theOpenAiNodeSdkRunsAHundredLineBatchAndReadsBackEveryResultByCustomId() {
        JsonNode summary = runNode("batch.mjs", api.url() + "/v1", "100");

        assertThat(summary.get("status").asString()).as(summary.toString()).isEqualTo("completed");
        assertThat(summary.get("counts").get("total").asInt()).isEqualTo(100);
        assertThat(summary.get("counts").get("completed").asInt()).isEqualTo(100);
        assertThat(summary.get("counts").get("failed").asInt()).isZero();
        Map<String, String> results = new HashMap<>();
        summary.get("results")
                .properties()
                .forEach(entry -> results.put(entry.getKey(), entry.getValue().asString()));
        assertThat(results).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(results).containsEntry("task-" + i, SimulatedAnswers.answerFor("Question number " + i));
        }
        assertThat(summary.get("listed").asBoolean()).isTrue();
        assertThat(summary.get("notFound").get("status").asInt()).isEqualTo(404);
        assertThat(summary.get("notFound").get("message").asString()).contains("No such batch");
    }

    @Test
    void withApiKeysRequiredTheSdkRunsABatchWithItsTenantsKeyAndAWrongKeyIsRefused() {
        String adminKey = "e2e-admin-key-0123456789abcdef";
        Cluster.Api keyed = cluster.startApi(Map.of("LLMQ_API_ADMIN_KEY", adminKey));
        HttpResponse<String> created = cluster.send(HttpRequest.newBuilder(URI.create(keyed.url() + "/admin/keys"))
                .header("Authorization", "Bearer " + adminKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"sdk-team\",\"name\":\"e2e\"}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key =
                JsonMapper.builder().build().readTree(created.body()).get("key").asString();

        JsonNode summary = runNode(Map.of("LLMQ_API_KEY", key), "batch.mjs", keyed.url() + "/v1", "10");
        JsonNode refused = runNode(Map.of("LLMQ_API_KEY", "llmq_not-a-real-key"), "refused.mjs", keyed.url() + "/v1");

        assertThat(summary.get("status").asString()).as(summary.toString()).isEqualTo("completed");
        assertThat(summary.get("counts").get("completed").asInt()).isEqualTo(10);
        assertThat(summary.get("results").size()).isEqualTo(10);
        assertThat(refused.get("status").asInt()).as(refused.toString()).isEqualTo(401);
    }

    /** Installs the pinned SDK once per build directory; reused while its version matches. */
    private static void installSdk() {
        try {
            Files.createDirectories(SDK_DIR);
            for (String name : List.of("batch.mjs", "refused.mjs")) {
                try (InputStream script = OpenAiSdkBatchIT.class.getResourceAsStream("/openai-node/" + name)) {
                    Files.copy(script, SDK_DIR.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path installed = SDK_DIR.resolve("node_modules/openai/package.json");
            String version = OPENAI_NODE.substring(OPENAI_NODE.indexOf('@') + 1);
            if (Files.exists(installed) && Files.readString(installed).contains("\"version\": \"" + version + "\"")) {
                return;
            }
            Files.writeString(
                    SDK_DIR.resolve("package.json"), "{\"name\":\"llmq-e2e\",\"private\":true,\"type\":\"module\"}");
            run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save", OPENAI_NODE), Duration.ofMinutes(3));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static JsonNode runNode(String script, String... args) {
        return runNode(Map.of(), script, args);
    }

    private static JsonNode runNode(Map<String, String> environment, String script, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        String output = run(command, environment, Duration.ofMinutes(3));
        String last = output.lines().reduce((first, second) -> second).orElse("");
        return JsonMapper.builder().build().readTree(last);
    }

    /** Runs a command in the SDK directory and returns its standard output; fails with its output if it fails. */
    private static String run(List<String> command, Duration timeout) {
        return run(command, Map.of(), timeout);
    }

    private static String run(List<String> command, Map<String, String> environment, Duration timeout) {
        try {
            Path log = Files.createTempFile("openai-node", ".log");
            Path out = Files.createTempFile("openai-node", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(SDK_DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail(command + " did not finish within " + timeout + ": " + Files.readString(log));
                }
                if (process.exitValue() != 0) {
                    fail(command + " exited " + process.exitValue() + ": " + Files.readString(out)
                            + Files.readString(log));
                }
                return Files.readString(out);
            } finally {
                process.destroyForcibly();
                Files.deleteIfExists(log);
                Files.deleteIfExists(out);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
