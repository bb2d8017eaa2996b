package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.e2e.Tools;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/k8s without a cluster: every manifest validated against the official schemas by the npm packages
 * {@code kubernetes-models} and {@code @kubernetes-models/keda} (pinned, installed by the test into
 * {@code target/k8s-validate}; needs node and npm, skipped locally without them, a failure in CI), and the
 * cross-references a schema cannot see checked here against the apps, the images and {@link RedisKeys}.
 */
class KubernetesManifestsIT {

    /** The pinned validators; {@code npm install} puts them under {@code target/k8s-validate}. */
    static final List<String> PACKAGES =
            List.of("kubernetes-models@5.1.0", "@kubernetes-models/keda@2.0.0", "js-yaml@4.1.0");

    private static final Path VALIDATOR_DIR = Path.of("target", "k8s-validate").toAbsolutePath();
    private static final String OPTIONAL_SIMULATOR = "llm-simulator.yaml";

    private static Path k8s;
    private static List<Manifest> manifests;

    /** One YAML document of a manifest file. */
    record Manifest(Path file, Map<String, Object> doc) {

        String kind() {
            return (String) doc.get("kind");
        }

        String name() {
            return (String) map(doc.get("metadata")).get("name");
        }

        Map<String, Object> spec() {
            return map(doc.get("spec"));
        }
    }

    @BeforeAll
    static void readManifests() throws IOException {
        k8s = ServiceProcess.repositoryRoot().resolve("deploy/k8s");
        manifests = new ArrayList<>();
        for (Path file : manifestFiles()) {
            for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                if (doc != null) {
                    manifests.add(new Manifest(file, map(doc)));
                }
            }
        }
    }

    @Test
    void everyManifestIsValidAgainstTheKubernetesAndKedaSchemas() {
        List<JsonNode> results = validate(manifestFiles());

        assertThat(results).hasSameSizeAs(manifests);
        for (JsonNode result : results) {
            assertThat(result.get("valid").asBoolean())
                    .as(
                            "%s %s in %s: %s",
                            result.get("kind"), result.get("name"), result.get("file"), result.get("error"))
                    .isTrue();
        }
        assertThat(results.stream().map(result -> result.get("kind").asString()))
                .contains(
                        "Deployment",
                        "Service",
                        "PodDisruptionBudget",
                        "ConfigMap",
                        "ScaledObject",
                        "TriggerAuthentication");
    }

    @Test
    void theSchemaCheckRejectsABrokenDeploymentAndScaledObject() throws IOException {
        Path broken = VALIDATOR_DIR.resolve("broken.yaml");
        Files.createDirectories(VALIDATOR_DIR);
        Files.writeString(
                broken,
                Files.readString(k8s.resolve("worker-service.yaml"))
                                .replace("revisionHistoryLimit: 5", "revisionHistoryLimit: five")
                        + "\n---\n"
                        + Files.readString(k8s.resolve("worker-autoscaling.yaml"))
                                .replace("minReplicaCount: 1", "minReplicaCount: one"));

        List<JsonNode> results = validate(List.of(broken));

        assertThat(results)
                .filteredOn(result -> !result.get("valid").asBoolean())
                .extracting(result -> result.get("kind").asString() + ": "
                        + result.get("error").asString())
                .hasSize(2)
                .anyMatch(error -> error.startsWith("Deployment") && error.contains("revisionHistoryLimit"))
                .anyMatch(error -> error.startsWith("ScaledObject") && error.contains("minReplicaCount"));
    }

    @Test
    void everyDeploymentSelectsExactlyItsOwnPods() {
        for (Manifest deployment : ofKind("Deployment")) {
            assertThat(podLabels(deployment))
                    .as(deployment.name())
                    .containsAllEntriesOf(matchLabels(deployment.spec().get("selector")));
            assertThat(deploymentsSelectedBy(matchLabels(deployment.spec().get("selector"))))
                    .containsExactly(deployment.name());
        }
    }

    @Test
    void servicesAndDisruptionBudgetsSelectTheirDeploymentsPodsAndNamedPorts() {
        for (Manifest service : ofKind("Service")) {
            Map<String, Object> selector = map(service.spec().get("selector"));
            assertThat(deploymentsSelectedBy(selector)).as(service.name()).containsExactly(service.name());
            Set<Object> portNames =
                    containerPortsByName(deployment(service.name())).keySet();
            for (Object port : list(service.spec().get("ports"))) {
                assertThat(portNames).contains(map(port).get("targetPort"));
            }
        }
        List<Manifest> budgets = ofKind("PodDisruptionBudget");
        assertThat(budgets).extracting(Manifest::name).containsExactlyInAnyOrder("api-service", "worker-service");
        for (Manifest budget : budgets) {
            assertThat(deploymentsSelectedBy(matchLabels(budget.spec().get("selector"))))
                    .containsExactly(budget.name());
        }
        assertThat(ofKind("PodDisruptionBudget"))
                .filteredOn(budget -> budget.name().equals("api-service"))
                .allSatisfy(budget -> assertThat((Integer) budget.spec().get("minAvailable"))
                        .isPositive()
                        .isLessThan((Integer) deployment("api-service").spec().get("replicas")));
    }

    @Test
    void probesAskTheActuatorHealthGroupsOnThePortTheAppListensOn() {
        for (DeployedApps app : List.of(DeployedApps.API, DeployedApps.WORKER)) {
            assertThat(DeployedApps.property(app.module(), "management.endpoint.health.probes.enabled"))
                    .isEqualTo("true");
            Map<String, Object> container = container(deployment(app.module()));
            assertThat(probe(container, "startupProbe")).isEqualTo("/actuator/health/liveness@" + app.port());
            assertThat(probe(container, "livenessProbe")).isEqualTo("/actuator/health/liveness@" + app.port());
            assertThat(probe(container, "readinessProbe")).isEqualTo("/actuator/health/readiness@" + app.port());
            assertThat(envNames(container)).doesNotContain(app.portVariable());
        }
        Map<String, Object> simulator = container(deployment("llm-simulator"));
        assertThat(probe(simulator, "readinessProbe")).isEqualTo("/v1/models@" + DeployedApps.SIMULATOR.port());
    }

    @Test
    void podsRunTheJibImagesAsTheirNonRootUserWithRequestsAndLimits() {
        JibSettings jib = JibSettings.read();
        for (Manifest deployment : ofKind("Deployment")) {
            Map<String, Object> pod = podSpec(deployment);
            Map<String, Object> security = map(pod.get("securityContext"));
            assertThat(security).containsEntry("runAsNonRoot", true);
            assertThat(((Number) security.get("runAsUser")).longValue()).isEqualTo(jib.uid());
            Map<String, Object> container = container(deployment);
            assertThat((String) container.get("image")).startsWith(jib.repository(deployment.name()) + ":");
            Map<String, Object> resources = map(container.get("resources"));
            assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
            assertThat(map(resources.get("limits"))).containsKeys("cpu", "memory");
            Map<String, Object> containerSecurity = map(container.get("securityContext"));
            assertThat(containerSecurity)
                    .containsEntry("allowPrivilegeEscalation", false)
                    .containsEntry("readOnlyRootFilesystem", true);
            assertThat(list(container.get("volumeMounts")))
                    .as("Tomcat's work directory on a read-only root")
                    .anyMatch(mount -> "/tmp".equals(map(mount).get("mountPath")));
        }
    }

    @Test
    void podsGetLongerToStopThanTheAppsTakeToDrain() {
        Manifest api = deployment("api-service");
        Duration apiDrain = DurationStyle.detectAndParse(
                DeployedApps.property("api-service", "spring.lifecycle.timeout-per-shutdown-phase"));
        int preStop = (Integer)
                map(map(map(container(api).get("lifecycle")).get("preStop")).get("sleep"))
                        .get("seconds");
        assertThat(gracePeriod(api)).isGreaterThan(apiDrain.plusSeconds(preStop));

        Duration workerGrace = DurationStyle.detectAndParse(
                (String) map(configMap("llmq-config").get("data")).get("LLMQ_WORKER_SHUTDOWN_GRACE"));
        assertThat(envNames(container(deployment("worker-service")))).doesNotContain("LLMQ_WORKER_SHUTDOWN_GRACE");
        assertThat(gracePeriod(deployment("worker-service"))).isGreaterThan(workerGrace);
    }

    @Test
    void theScaledObjectScalesTheWorkersOnTheGroupsLagOverEveryPriorityStream() {
        List<Manifest> scaledObjects = ofKind("ScaledObject");
        assertThat(scaledObjects).hasSize(1);
        Map<String, Object> spec = scaledObjects.get(0).spec();

        assertThat(map(spec.get("scaleTargetRef")))
                .containsEntry("kind", "Deployment")
                .containsEntry("name", deployment("worker-service").name());
        assertThat((Integer) spec.get("minReplicaCount"))
                .as("retries need a running worker")
                .isPositive();
        List<String> streams = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Set<String> authentications = new HashSet<>();
        for (Object trigger : list(spec.get("triggers"))) {
            Map<String, Object> metadata = map(map(trigger).get("metadata"));
            assertThat(map(trigger)).containsEntry("type", "redis-streams");
            assertThat(metadata).containsEntry("consumerGroup", RedisKeys.WORKER_GROUP);
            assertThat(Integer.parseInt((String) metadata.get("lagCount"))).isPositive();
            streams.add((String) metadata.get("stream"));
            names.add((String) map(trigger).get("name"));
            authentications.add(
                    (String) map(map(trigger).get("authenticationRef")).get("name"));
        }
        assertThat(streams).containsExactlyInAnyOrderElementsOf(RedisKeys.QUERY_STREAMS);
        String formula =
                (String) map(map(spec.get("advanced")).get("scalingModifiers")).get("formula");
        assertThat(formula.split("\\s*\\+\\s*")).containsExactlyInAnyOrderElementsOf(names);

        assertThat(authentications).hasSize(1);
        Manifest authentication = ofKind("TriggerAuthentication").stream()
                .filter(candidate -> authentications.contains(candidate.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no TriggerAuthentication " + authentications));
        Set<Object> secrets = new HashSet<>();
        for (Object reference : list(authentication.spec().get("secretTargetRef"))) {
            secrets.add(map(reference).get("name"));
        }
        assertThat(secrets).containsExactly(secretOf(container(deployment("worker-service")), "REDIS_URL"));
    }

    @Test
    void secretsAreReferencedNeverCommitted() throws IOException {
        assertThat(ofKind("Secret")).isEmpty();
        assertThat(secretOf(container(deployment("api-service")), "REDIS_URL")).isEqualTo("llmq-redis");
        assertThat(secretOf(container(deployment("worker-service")), "REDIS_URL"))
                .isEqualTo("llmq-redis");
        assertThat(secretOf(container(deployment("api-service")), "LLMQ_API_ADMIN_KEY"))
                .isEqualTo("llmq-api");
        assertThat(secretOf(container(deployment("worker-service")), "OPENAI_API_KEY"))
                .isEqualTo("llmq-llm");
        String readme = Files.readString(ServiceProcess.repositoryRoot().resolve("README.md"));
        for (String secret : List.of("llmq-redis", "llmq-api", "llmq-llm")) {
            assertThat(readme).as("README tells how to create it").contains("kubectl create secret generic " + secret);
        }
    }

    @Test
    void theKustomizationAppliesEveryManifestButTheOptionalSimulator() throws IOException {
        Map<String, Object> kustomization = map(new Yaml().load(Files.readString(k8s.resolve("kustomization.yaml"))));
        List<String> expected = manifestFiles().stream()
                .map(file -> file.getFileName().toString())
                .filter(name -> !name.equals(OPTIONAL_SIMULATOR))
                .toList();

        assertThat(list(kustomization.get("resources")).stream().map(String::valueOf))
                .containsExactlyInAnyOrderElementsOf(expected);
        JibSettings jib = JibSettings.read();
        assertThat(list(kustomization.get("images")))
                .extracting(image -> map(image).get("name"))
                .containsExactlyInAnyOrder(jib.repository("api-service"), jib.repository("worker-service"));
    }

    // --- the validators

    private static List<JsonNode> validate(List<Path> files) {
        Tools.require("to validate deploy/k8s against the Kubernetes and KEDA schemas", "node", "npm");
        installValidators();
        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        files.forEach(file -> command.add(file.toString()));
        String output = Tools.run(command, VALIDATOR_DIR, Duration.ofMinutes(2)).requireSuccess();
        JsonMapper json = JsonMapper.builder().build();
        return output.lines()
                .filter(line -> line.startsWith("{"))
                .map(json::readTree)
                .toList();
    }

    /** Installs the pinned packages once per build directory; reused while the recorded versions match. */
    private static synchronized void installValidators() {
        try {
            Files.createDirectories(VALIDATOR_DIR);
            try (InputStream script = KubernetesManifestsIT.class.getResourceAsStream("/k8s-validate/validate.mjs")) {
                Files.copy(script, VALIDATOR_DIR.resolve("validate.mjs"), StandardCopyOption.REPLACE_EXISTING);
            }
            Path installed = VALIDATOR_DIR.resolve("installed.txt");
            String wanted = String.join(" ", PACKAGES);
            if (Files.exists(installed) && Files.readString(installed).equals(wanted)) {
                return;
            }
            Files.writeString(
                    VALIDATOR_DIR.resolve("package.json"),
                    "{\"name\":\"llmq-k8s-validate\",\"private\":true,\"type\":\"module\"}");
            List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--no-save"));
            command.addAll(PACKAGES);
            Tools.run(command, VALIDATOR_DIR, Duration.ofMinutes(3)).requireSuccess();
            Files.writeString(installed, wanted);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    // --- reading the manifests

    private static List<Path> manifestFiles() {
        try (Stream<Path> files = Files.list(k8s)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(m -> kind.equals(m.kind())).toList();
    }

    private static Manifest deployment(String name) {
        return ofKind("Deployment").stream()
                .filter(m -> name.equals(m.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment " + name));
    }

    private static Map<String, Object> configMap(String name) {
        return ofKind("ConfigMap").stream()
                .filter(m -> name.equals(m.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name))
                .doc();
    }

    private static List<String> deploymentsSelectedBy(Map<String, Object> selector) {
        return ofKind("Deployment").stream()
                .filter(deployment -> podLabels(deployment).entrySet().containsAll(selector.entrySet()))
                .map(Manifest::name)
                .toList();
    }

    private static Map<String, Object> matchLabels(Object selector) {
        return map(map(selector).get("matchLabels"));
    }

    private static Map<String, Object> podLabels(Manifest deployment) {
        return map(map(map(deployment.spec().get("template")).get("metadata")).get("labels"));
    }

    private static Map<String, Object> podSpec(Manifest deployment) {
        return map(map(deployment.spec().get("template")).get("spec"));
    }

    private static Map<String, Object> container(Manifest deployment) {
        List<?> containers = list(podSpec(deployment).get("containers"));
        assertThat(containers).as(deployment.name()).hasSize(1);
        return map(containers.get(0));
    }

    private static Duration gracePeriod(Manifest deployment) {
        return Duration.ofSeconds((Integer) podSpec(deployment).get("terminationGracePeriodSeconds"));
    }

    private static Map<Object, Object> containerPortsByName(Manifest deployment) {
        Map<Object, Object> ports = new LinkedHashMap<>();
        for (Object port : list(container(deployment).get("ports"))) {
            ports.put(map(port).get("name"), map(port).get("containerPort"));
        }
        return ports;
    }

    /** An httpGet probe as {@code path@port}, a named port resolved to its number. */
    private static String probe(Map<String, Object> container, String probe) {
        Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
        Object port = httpGet.get("port");
        if (port instanceof String name) {
            Map<Object, Object> byName = new LinkedHashMap<>();
            for (Object declared : list(container.get("ports"))) {
                byName.put(map(declared).get("name"), map(declared).get("containerPort"));
            }
            port = byName.get(name);
        }
        return httpGet.get("path") + "@" + port;
    }

    private static List<String> envNames(Map<String, Object> container) {
        return list(container.getOrDefault("env", List.of())).stream()
                .map(env -> (String) map(env).get("name"))
                .toList();
    }

    private static String secretOf(Map<String, Object> container, String variable) {
        for (Object env : list(container.get("env"))) {
            if (variable.equals(map(env).get("name"))) {
                assertThat(map(env)).as(variable + " has no literal value").doesNotContainKey("value");
                return (String)
                        map(map(map(env).get("valueFrom")).get("secretKeyRef")).get("name");
            }
        }
        throw new AssertionError(variable + " is not set");
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
}
