package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.e2e.Cluster;
import dev.llmq.e2e.Tools;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboard works against the real thing: a real Prometheus (Debian's binary) runs a loopback copy of
 * deploy/prometheus/prometheus.yml (its jobs, paths and rule files) scraping a running api-service and worker-service
 * every second under a short, varied load, and every query of every panel returns data. Without Debian's
 * {@code prometheus} it skips locally and fails in CI.
 */
class GrafanaDashboardIT {

    /**
     * What Grafana substitutes for {@code $__rate_interval} at this scrape interval and a 1 s step: the larger of four
     * scrape intervals and step + scrape interval.
     */
    private static final Map<String, String> GRAFANA_BUILT_INS = Map.of("__rate_interval", "4s");

    private static final Pattern TOMCAT_PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final Duration STEP = Duration.ofSeconds(1);
    private static final Pattern LLMQ_SERIES = Pattern.compile("\\bllmq_[a-z_]+");

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final String EXEMPLARS = "MANAGEMENT_TRACING_EXEMPLARS_INCLUDE";

    private static Cluster cluster;
    private static PrometheusServer prometheus;
    private static Instant started;

    @BeforeAll
    static void startAndLoad() {
        Path binary = Tools.executable("to run a real Prometheus (Debian package prometheus)", "prometheus");
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ofMillis(20), "--llmq.simulator.per-token-delay=2ms");
        // Debian's Prometheus 2.42 drops a whole scrape that carries exemplars on a _count series (accepted from 2.43,
        // which the compose file and any supported Prometheus are): the services' trace exemplars are turned off here
        Cluster.Api api = cluster.startApi(Map.of(EXEMPLARS, "none"));
        ServiceProcess worker = cluster.startWorker(
                Map.of(EXEMPLARS, "none"),
                "--llmq.worker.max-attempts=2",
                "--llmq.worker.retry-initial-delay=100ms",
                "--llmq.worker.retry-max-delay=200ms",
                "--llmq.metrics.queue-sample-interval=500ms");
        Map<String, Integer> ports = Map.of("api-service", port(api.process()), "worker-service", port(worker));
        prometheus = PrometheusServer.start(
                binary, dir -> PrometheusTestConfig.write(DeployFiles.PROMETHEUS_CONFIG, ports, "1s", dir));
        started = Instant.now();
        new Load(cluster, api, server.redis(), prometheus).run();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyQueryOfEveryPanelReturnsDataFromTheRun() {
        List<GrafanaDashboard.Target> targets =
                GrafanaDashboard.read(DeployFiles.GRAFANA_DASHBOARD).targets(GRAFANA_BUILT_INS);
        assertThat(targets).hasSizeGreaterThan(20);

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(withoutData(targets))
                        .as("panel queries without a single finite value since %s", started)
                        .isEmpty());
    }

    @Test
    void everyLlmqSeriesTheServicesExposeIsOnTheDashboard() {
        String dashboard = String.join(
                "\n",
                GrafanaDashboard.read(DeployFiles.GRAFANA_DASHBOARD).targets(GRAFANA_BUILT_INS).stream()
                        .map(GrafanaDashboard.Target::expr)
                        .toList());
        Set<String> missing = new TreeSet<>();
        for (JsonNode name : prometheus.api("/api/v1/label/__name__/values", Map.of())) {
            String family = family(name.asString());
            if (family.startsWith("llmq_")
                    && !dashboard.contains(family)
                    && !dashboard.contains("llmq:" + family.substring("llmq_".length()))) {
                missing.add(family);
            }
        }
        assertThat(missing).as("llmq series no panel shows").isEmpty();
    }

    @Test
    void everyLlmqSeriesTheRulesReadIsExposedByTheServices() throws Exception {
        Set<String> exposed = new TreeSet<>();
        prometheus.api("/api/v1/label/__name__/values", Map.of()).forEach(name -> exposed.add(name.asString()));
        Set<String> read = new TreeSet<>();
        for (Path rules : DeployFiles.yamlFiles(DeployFiles.PROMETHEUS_RULES)) {
            Matcher series = LLMQ_SERIES.matcher(Files.readString(rules));
            while (series.find()) {
                read.add(series.group());
            }
        }

        assertThat(read).hasSizeGreaterThan(10);
        assertThat(exposed).containsAll(read);
    }

    @Test
    void everyRuleLoadsAndEvaluatesWithoutErrors() {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    List<JsonNode> groups = prometheus.ruleGroups();
                    assertThat(groups)
                            .extracting(group -> group.get("name").asString())
                            .containsExactlyInAnyOrder("llmq-alerts", "llmq-recording");
                    for (JsonNode group : groups) {
                        for (JsonNode rule : group.get("rules")) {
                            assertThat(rule.path("health").asString())
                                    .as(
                                            "%s: %s",
                                            rule.get("name").asString(),
                                            rule.path("lastError").asString(""))
                                    .isEqualTo("ok");
                        }
                    }
                });
    }

    @Test
    void onlyTheDeadLetterAlertFiresForAHealthyClusterThatDeadLetteredAnEntry() {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(activeAlerts()).containsExactly("LlmqDeadLetters=firing"));
    }

    private static List<String> activeAlerts() {
        List<String> active = new ArrayList<>();
        for (JsonNode alert : prometheus.api("/api/v1/alerts", Map.of()).get("alerts")) {
            active.add(alert.get("labels").get("alertname").asString() + "="
                    + alert.get("state").asString());
        }
        return active;
    }

    /** The targets whose query gave no series, or only NaN, at every step since the run started. */
    private static List<GrafanaDashboard.Target> withoutData(List<GrafanaDashboard.Target> targets) {
        List<GrafanaDashboard.Target> without = new ArrayList<>();
        for (GrafanaDashboard.Target target : targets) {
            if (!hasFiniteValue(prometheus.queryRange(target.resolved(), started, STEP))) {
                without.add(target);
            }
        }
        return without;
    }

    private static boolean hasFiniteValue(JsonNode result) {
        for (JsonNode series : result) {
            for (JsonNode point : series.get("values")) {
                if (Double.isFinite(Double.parseDouble(point.get(1).asString()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The metric family of a series name: a histogram's or summary's parts share their base name. */
    private static String family(String series) {
        return series.replaceFirst("_(bucket|count|sum|max)$", "");
    }

    private static int port(ServiceProcess process) {
        // a worker logs that it consumes before its web server has started
        process.awaitLog("Tomcat started on port", Duration.ofSeconds(60));
        Matcher matcher = TOMCAT_PORT.matcher(process.output());
        if (!matcher.find()) {
            throw new IllegalStateException(process + " logged no port:\n" + process.output());
        }
        return Integer.parseInt(matcher.group(1));
    }
}
