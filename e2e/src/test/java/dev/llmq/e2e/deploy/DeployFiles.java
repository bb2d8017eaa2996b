package dev.llmq.e2e.deploy;

import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The monitoring artefacts under the repository's deploy/ folder, as docker-compose.yml mounts them. */
final class DeployFiles {

    static final Path ROOT = ServiceProcess.repositoryRoot().resolve("deploy");
    static final Path PROMETHEUS_CONFIG = ROOT.resolve("prometheus/prometheus.yml");
    static final Path PROMETHEUS_RULES = ROOT.resolve("prometheus/rules");
    static final Path PROMETHEUS_RULE_TESTS = ROOT.resolve("prometheus/tests");
    static final Path GRAFANA_PROVISIONING = ROOT.resolve("grafana/provisioning");
    static final Path GRAFANA_DASHBOARD = ROOT.resolve("grafana/dashboards/llmq.json");

    private DeployFiles() {}

    /** The {@code *.yml} files directly in {@code dir}, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
