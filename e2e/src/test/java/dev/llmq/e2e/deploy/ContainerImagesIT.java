package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmq.e2e.Tools;
import dev.llmq.shared.testing.FreePorts;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container images, built by {@code jib:buildTar} with the shipped Jib configuration (only the base image is a
 * local stand-in, see {@link LocalBaseImage}): their config says what a runtime will do, and each one, unpacked into
 * a root filesystem, starts from its entrypoint as its non-root user and reports ready against a real Redis.
 */
class ContainerImagesIT {

    private static final String UID = "10001";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final Map<String, ImageTarball> images = new LinkedHashMap<>();
    private static final List<RootfsContainer> running = new ArrayList<>();

    @BeforeAll
    static void buildImages() {
        Tools.require("to make the base image and read the image tarballs", "tar", "ldd");
        Path base = LocalBaseImage.build(Path.of("target", "image-base"));
        List<String> modules =
                DeployedApps.ALL.stream().map(DeployedApps::module).toList();
        ImageBuild.buildTarballs(base, modules)
                .forEach((module, tarball) -> images.put(
                        module,
                        ImageTarball.open(
                                tarball, Path.of("target", "images", module).toAbsolutePath())));
    }

    @AfterAll
    static void stopContainers() throws Exception {
        running.forEach(RootfsContainer::close);
        // hundreds of MB each; the image tarballs stay in <module>/target
        LocalBaseImage.delete(Path.of("target", "rootfs").toAbsolutePath());
        LocalBaseImage.delete(Path.of("target", "images").toAbsolutePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"api-service", "worker-service", "llm-simulator"})
    void eachImageRunsItsMainClassAsAFixedNonRootUserWithAContainerSizedHeap(String module) {
        DeployedApps app = DeployedApps.named(module);
        ImageTarball image = images.get(module);

        assertThat(image.entrypoint()).first().isEqualTo("java");
        assertThat(image.entrypoint()).last().isEqualTo(app.mainClass());
        assertThat(image.entrypoint())
                .contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
                .noneMatch(flag -> flag.startsWith("-Xmx"));
        // the api's heap is mostly parked requests: generational ZGC keeps its pauses out of the waits' wake-ups
        assertThat(image.entrypoint().contains("-XX:+UseZGC")).isEqualTo(module.equals("api-service"));
        assertThat(image.cmd()).isEmpty();
        assertThat(image.user()).isEqualTo(UID + ":" + UID);
        assertThat(image.workingDir()).isEqualTo("/app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api-service", "worker-service", "llm-simulator"})
    void eachImageExposesThePortItsAppListensOnAndSetsItsPortVariable(String module) {
        DeployedApps app = DeployedApps.named(module);
        ImageTarball image = images.get(module);

        assertThat(image.exposedPorts()).containsExactly(app.port() + "/tcp");
        assertThat(image.env())
                .containsEntry(app.portVariable(), Integer.toString(app.port()))
                .containsKey("PATH");
    }

    @ParameterizedTest
    @ValueSource(strings = {"api-service", "worker-service", "llm-simulator"})
    void eachImageIsTaggedLatestAndWithTheProjectVersionAndLabelled(String module) {
        String version = System.getProperty("llmq.version");
        ImageTarball image = images.get(module);

        assertThat(image.repoTags())
                .containsExactlyInAnyOrder("llmq/" + module + ":latest", "llmq/" + module + ":" + version);
        assertThat(image.labels())
                .containsEntry("org.opencontainers.image.title", module)
                .containsEntry("org.opencontainers.image.version", version)
                .containsEntry("org.opencontainers.image.licenses", "MIT")
                .containsKey("org.opencontainers.image.description");
    }

    @Test
    void everyImageStartsFromItsEntrypointAsItsUserAndReportsReady() throws Exception {
        assumeTrue(
                "0".equals(uid()),
                "running the images in a chroot needs root (CI runs as root); their config is checked above");
        Tools.require("to run the images in a chroot", "unshare", "mount");
        assumeTrue(
                Tools.run(
                                        List.of("unshare", "--mount", "--pid", "--fork", "true"),
                                        Path.of("."),
                                        Duration.ofSeconds(10))
                                .exitCode()
                        == 0,
                "this root may not create mount and PID namespaces (unshare failed): the images are not run");
        Map<String, Integer> ports = new LinkedHashMap<>();
        DeployedApps.ALL.forEach(app -> ports.put(app.module(), FreePorts.find()));
        for (DeployedApps app : DeployedApps.ALL) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put(app.portVariable(), Integer.toString(ports.get(app.module())));
            env.put("REDIS_URL", server.redis().url());
            // the worker refuses to start without a provider: the simulator's container is one
            env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + ports.get("llm-simulator") + "/v1");
            running.add(RootfsContainer.start(
                    images.get(app.module()),
                    Path.of("target", "rootfs", app.module()).toAbsolutePath(),
                    env,
                    Path.of("target", "process-logs", "image-" + app.module() + ".log")
                            .toAbsolutePath()));
        }

        awaitAnswer(running.get(0), ports.get("api-service"), "/actuator/health/readiness", "\"UP\"");
        awaitAnswer(running.get(1), ports.get("worker-service"), "/actuator/health/readiness", "\"UP\"");
        awaitAnswer(running.get(2), ports.get("llm-simulator"), "/v1/models", "\"object\":\"list\"");
        assertThat(get(ports.get("api-service"), "/actuator/health/liveness").body())
                .contains("\"UP\"");
        assertThat(get(ports.get("worker-service"), "/actuator/health/liveness").body())
                .contains("\"UP\"");

        for (RootfsContainer container : running) {
            ProcessHandle java = container
                    .entrypointProcess()
                    .orElseThrow(() -> new AssertionError("no java process in the container:\n" + container.log()));
            assertThat(RootfsContainer.uids(java)).containsOnly(UID);
            assertThat(RootfsContainer.gids(java)).containsOnly(UID);
        }
    }

    private static void awaitAnswer(RootfsContainer container, int port, String path, String expected) {
        try {
            await().atMost(RootfsContainer.startupTimeout())
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .failFast(() -> !container.isAlive())
                    .untilAsserted(() -> {
                        HttpResponse<String> response = get(port, path);
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.body()).contains(expected);
                    });
        } catch (RuntimeException ex) {
            fail("no answer on " + path + " (" + ex.getMessage() + "); the container's log:\n" + container.log(), ex);
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static String uid() {
        return Tools.run(List.of("id", "-u"), Path.of("."), Duration.ofSeconds(10))
                .requireSuccess()
                .strip();
    }
}
