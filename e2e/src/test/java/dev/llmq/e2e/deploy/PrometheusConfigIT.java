package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.e2e.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/prometheus is valid for Debian's {@code promtool}: the scrape config, the rule files and the alerts' unit
 * tests (deploy/prometheus/tests). Without promtool it skips locally and fails in CI.
 */
class PrometheusConfigIT {

    private static final Pattern FIRING_IN_TEST =
            Pattern.compile("ALERTS\\{alertname=\"(\\w+)\", alertstate=\"firing\"");

    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Tools.executable("to check deploy/prometheus (Debian package prometheus)", "promtool");
    }

    @Test
    void promtoolAcceptsTheScrapeConfigAndFindsEveryRuleFile() {
        Commands.Result checked =
                promtool(DeployFiles.PROMETHEUS_CONFIG.getParent(), "check", "config", "prometheus.yml");

        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output())
                .contains("SUCCESS: "
                        + DeployFiles.yamlFiles(DeployFiles.PROMETHEUS_RULES).size() + " rule files found");
    }

    @Test
    void promtoolAcceptsEveryRuleFile() {
        List<String> files = DeployFiles.yamlFiles(DeployFiles.PROMETHEUS_RULES).stream()
                .map(Path::toString)
                .toList();
        Commands.Result checked = promtool(DeployFiles.ROOT, concat(List.of("check", "rules"), files));

        assertThat(files).isNotEmpty();
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).doesNotContain("FAILED");
    }

    @Test
    void everyAlertPassesItsUnitTests() {
        List<String> files = DeployFiles.yamlFiles(DeployFiles.PROMETHEUS_RULE_TESTS).stream()
                .map(Path::toString)
                .toList();
        Commands.Result tested = promtool(DeployFiles.ROOT, concat(List.of("test", "rules"), files));

        assertThat(tested.exitCode()).as(tested.output()).isZero();
        assertThat(tested.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertIsUnitTestedFiringAndHasASeverityAndARunbook() {
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> rule : rules(DeployFiles.PROMETHEUS_RULES.resolve("llmq-alerts.yml"))) {
            String alert = (String) rule.get("alert");
            assertThat(alert)
                    .as("every rule in llmq-alerts.yml is an alert: %s", rule)
                    .isNotNull();
            alerts.add(alert);
            assertThat(map(rule.get("labels")))
                    .as(alert)
                    .extractingByKey("severity")
                    .isIn("critical", "warning");
            assertThat(map(rule.get("annotations"))).as(alert).containsKeys("summary", "description", "runbook");
        }
        Set<String> shownFiring = new TreeSet<>();
        Matcher firing =
                FIRING_IN_TEST.matcher(read(DeployFiles.PROMETHEUS_RULE_TESTS.resolve("llmq-alerts-test.yml")));
        while (firing.find()) {
            shownFiring.add(firing.group(1));
        }

        assertThat(alerts)
                .contains(
                        "LlmqQueueLagGrowing",
                        "LlmqDeadLetters",
                        "LlmqProvider429Storm",
                        "LlmqNoWorkerConsuming",
                        "LlmqRedisDown");
        assertThat(shownFiring).as("alerts a unit test shows firing").isEqualTo(alerts);
    }

    @Test
    void theScrapeConfigFindsEveryReplicaOfTheComposeServicesByDns() {
        Map<String, Object> config = map(new Yaml().load(read(DeployFiles.PROMETHEUS_CONFIG)));
        Map<String, Map<String, Object>> jobs = PrometheusTestConfig.jobsByName(config);

        assertThat(jobs).containsOnlyKeys("api-service", "worker-service");
        assertThat(config.get("rule_files")).isEqualTo(List.of("rules/*.yml"));
        assertFoundByDns(jobs.get("api-service"), "api-service", 8080);
        assertFoundByDns(jobs.get("worker-service"), "worker-service", 8081);
    }

    private static void assertFoundByDns(Map<String, Object> job, String service, int port) {
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(job).doesNotContainKey("static_configs");
        assertThat((List<?>) job.get("dns_sd_configs")).hasSize(1);
        assertThat(map(((List<?>) job.get("dns_sd_configs")).getFirst()))
                .containsEntry("names", List.of(service))
                .containsEntry("type", "A")
                .containsEntry("port", port);
    }

    private static Commands.Result promtool(Path directory, String... args) {
        return promtool(directory, List.of(args));
    }

    private static Commands.Result promtool(Path directory, List<String> args) {
        return Commands.run(directory, Duration.ofSeconds(60), concat(List.of(promtool.toString()), args));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(Path file) {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<Object>) map(new Yaml().load(read(file))).get("groups")) {
            rules.addAll((List<Map<String, Object>>) map(group).get("rules"));
        }
        return rules;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        return (Map<String, Object>) yaml;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
