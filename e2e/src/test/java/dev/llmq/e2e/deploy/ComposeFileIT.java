package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.e2e.Tools;
import dev.llmq.shared.testing.FreePorts;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as {@code docker-compose config} (Debian's docker-compose) resolves it with nothing but the
 * required admin key set, checked against what the apps, the images and deploy/ really are.
 */
class ComposeFileIT {

    private static final String ADMIN_KEY = "compose-test-admin-key-0123456789";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Path root;
    private static Map<String, Object> services;

    @BeforeAll
    static void resolveTheComposeFile() {
        Tools.require("to validate docker-compose.yml", "docker-compose");
        root = ServiceProcess.repositoryRoot();
        services = map(config(Map.of("LLMQ_API_ADMIN_KEY", ADMIN_KEY)).get("services"));
    }

    @Test
    void composeResolvesEveryServiceFromDefaults() {
        assertThat(services)
                .containsOnlyKeys(
                        "redis", "api-service", "worker-service", "proxy", "prometheus", "grafana", "llm-simulator");
        assertThat(env("api-service")).containsEntry("REDIS_URL", "redis://redis:6379");
        assertThat(env("worker-service")).containsEntry("REDIS_URL", "redis://redis:6379");
    }

    @Test
    void withoutAnAdminKeyComposeRefusesAndSaysWhatToSet() throws IOException {
        Tools.Result refused = compose(Map.of(), "config");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("LLMQ_API_ADMIN_KEY");
        assertThat(Files.readString(root.resolve(".env.example"))).containsPattern("(?m)^LLMQ_API_ADMIN_KEY=$");
        assertThat(Files.readAllLines(root.resolve(".gitignore"))).contains(".env");
    }

    @Test
    void twoApiReplicasServeBehindTheProxysOnePublishedPort() throws IOException {
        Map<String, Object> api = service("api-service");
        assertThat(map(api.get("deploy"))).containsEntry("replicas", 2);
        assertThat(api).doesNotContainKey("ports");
        assertThat(strings(api.get("expose"))).containsExactly(Integer.toString(DeployedApps.API.port()));

        List<Object> published = new ArrayList<>();
        services.forEach((name, service) -> {
            for (Object port : list(map(service).getOrDefault("ports", List.of()))) {
                if (!(port instanceof String text && text.startsWith("127.0.0.1:"))) {
                    published.add(name + " " + port);
                }
            }
        });
        assertThat(published).containsExactly("proxy {published=8080, target=8080}");
        assertThat(Files.readString(root.resolve("deploy/nginx/nginx.conf")))
                .contains("server api-service:" + DeployedApps.API.port() + " resolve;")
                .contains("listen 8080;");
        assertThat(volumes("proxy"))
                .anyMatch(volume -> volume.endsWith("deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro"));
    }

    @Test
    void workersScaleFreely() {
        services.forEach((name, service) -> assertThat(map(service)).as(name).doesNotContainKey("container_name"));
        Map<String, Object> worker = service("worker-service");
        assertThat(worker).doesNotContainKey("ports").doesNotContainKey("deploy");
        assertThat(strings(worker.get("expose"))).containsExactly(Integer.toString(DeployedApps.WORKER.port()));
        assertThat(duration(worker.get("stop_grace_period")))
                .isGreaterThan(duration(env("worker-service").get("LLMQ_WORKER_SHUTDOWN_GRACE")));
    }

    @Test
    void redisKeepsEveryWriteInAnAppendOnlyFileOnAVolume() {
        Map<String, Object> redis = service("redis");
        String command = String.join(" ", strings(redis.get("command")));
        assertThat(command).contains("--appendonly yes").contains("--appendfsync everysec");
        assertThat(volumes("redis")).contains("redis-data:/data:rw");
        assertThat(map(config(Map.of("LLMQ_API_ADMIN_KEY", ADMIN_KEY)).get("volumes")))
                .containsKey("redis-data");
    }

    @Test
    void theSimulatorRunsOnlyInItsProfile() {
        assertThat(strings(service("llm-simulator").get("profiles"))).containsExactly("simulator");
        services.forEach((name, service) -> {
            if (!name.equals("llm-simulator")) {
                assertThat(map(service)).as(name).doesNotContainKey("profiles");
            }
        });
        Map<String, Object> withSimulator = map(
                map(config(Map.of("LLMQ_API_ADMIN_KEY", ADMIN_KEY, "OPENAI_BASE_URL", "http://llm-simulator:8090/v1"))
                                .get("services"))
                        .get("worker-service"));
        assertThat(map(withSimulator.get("environment")))
                .containsEntry("OPENAI_BASE_URL", "http://llm-simulator:" + DeployedApps.SIMULATOR.port() + "/v1");
    }

    @Test
    void theAppImagesAreTheOnesJibBuilds() {
        JibSettings jib = JibSettings.read();
        String version = System.getProperty("llmq.version");
        for (DeployedApps app : DeployedApps.ALL) {
            assertThat(service(app.module()).get("image")).isEqualTo(jib.repository(app.module()) + ":latest");
        }
        Map<String, Object> tagged = map(config(Map.of("LLMQ_API_ADMIN_KEY", ADMIN_KEY, "LLMQ_IMAGE_TAG", version))
                .get("services"));
        assertThat(map(tagged.get("api-service")).get("image"))
                .isEqualTo(jib.repository("api-service") + ":" + version);
    }

    @Test
    void healthchecksAskTheReadinessGroupAndGateWhatDependsOnThem() {
        for (DeployedApps app : List.of(DeployedApps.API, DeployedApps.WORKER)) {
            assertThat(healthcheck(app.module()))
                    .contains("/dev/tcp/127.0.0.1/" + app.port())
                    .contains("GET /actuator/health/readiness");
        }
        assertThat(dependsOn("proxy")).containsEntry("api-service", "service_healthy");
        assertThat(dependsOn("api-service")).containsEntry("redis", "service_healthy");
        assertThat(dependsOn("worker-service")).containsEntry("redis", "service_healthy");
        assertThat(map(service("redis").get("healthcheck")).get("test").toString())
                .contains("redis-cli, ping");
    }

    @Test
    void prometheusAndGrafanaMountTheFilesUnderDeploy() {
        assertThat(volumes("prometheus"))
                .anyMatch(v -> v.endsWith("/deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"))
                .anyMatch(v -> v.endsWith("/deploy/prometheus/rules:/etc/prometheus/rules:ro"));
        assertThat(volumes("grafana"))
                .anyMatch(v -> v.endsWith("/deploy/grafana/provisioning:/etc/grafana/provisioning:ro"))
                .anyMatch(v -> v.endsWith("/deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro"));
    }

    /** The api's healthcheck command, run by bash against a real api-service: passes once it is ready, not before. */
    @Test
    void theApiHealthcheckPassesAgainstAReadyApiAndFailsWithoutOne() {
        int port = FreePorts.find();
        String check =
                healthcheck("api-service").replace("/127.0.0.1/" + DeployedApps.API.port(), "/127.0.0.1/" + port);
        assertThat(bash(check)).as("nothing listens yet").isNotZero();

        try (ServiceProcess api = ServiceProcess.start(
                        "api-service",
                        Map.of(
                                "PORT",
                                Integer.toString(port),
                                "REDIS_URL",
                                server.redis().url()))
                .awaitLog("Started ApiServiceApplication", Duration.ofSeconds(90))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> bash(check) == 0);
        }
        assertThat(bash(check)).as("the api stopped").isNotZero();
    }

    private static int bash(String command) {
        return Tools.run(List.of("bash", "-c", command), root, Duration.ofSeconds(10))
                .exitCode();
    }

    private static String healthcheck(String service) {
        List<String> test = strings(map(service(service).get("healthcheck")).get("test"));
        assertThat(test.subList(0, 3)).containsExactly("CMD", "bash", "-c");
        return test.get(3);
    }

    private static Map<String, Object> config(Map<String, String> environment) {
        return new Yaml().load(compose(environment, "config").requireSuccess());
    }

    /** Runs docker-compose with only {@code environment} set (and an empty env file), so no local .env interferes. */
    private static Tools.Result compose(Map<String, String> environment, String... args) {
        try {
            Path emptyEnvFile = Files.createTempFile("llmq-compose", ".env");
            try {
                List<String> command = new ArrayList<>(List.of(
                        "env", "-i", "PATH=" + System.getenv("PATH"), "HOME=" + System.getProperty("java.io.tmpdir")));
                new TreeMap<>(environment).forEach((key, value) -> command.add(key + "=" + value));
                command.addAll(List.of(
                        "docker-compose",
                        "--env-file",
                        emptyEnvFile.toString(),
                        "-f",
                        root.resolve("docker-compose.yml").toString()));
                command.addAll(List.of(args));
                return Tools.run(command, root, Duration.ofMinutes(1));
            } finally {
                Files.deleteIfExists(emptyEnvFile);
            }
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static Map<String, Object> service(String name) {
        assertThat(services).containsKey(name);
        return map(services.get(name));
    }

    private static Map<String, Object> env(String service) {
        return map(service(service).get("environment"));
    }

    private static List<String> volumes(String service) {
        return strings(service(service).get("volumes"));
    }

    private static Map<String, Object> dependsOn(String service) {
        Map<String, Object> conditions = new TreeMap<>();
        map(service(service).get("depends_on"))
                .forEach((name, spec) -> conditions.put(name, map(spec).get("condition")));
        return conditions;
    }

    /** Compose's durations as {@code config} prints them: {@code 45s}, {@code 1m30s}. */
    private static Duration duration(Object text) {
        return Duration.parse("PT" + text.toString().toUpperCase());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static List<?> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return (List<?>) node;
    }

    private static List<String> strings(Object node) {
        return list(node).stream().map(String::valueOf).toList();
    }
}
