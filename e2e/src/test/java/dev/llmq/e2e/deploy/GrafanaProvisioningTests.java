package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * deploy/grafana wires up as docker-compose.yml mounts it: the provisioned datasource is the compose Prometheus, the
 * provider loads the dashboards folder, and every panel of the dashboard queries that datasource.
 */
class GrafanaProvisioningTests {

    /** Where docker-compose.yml mounts deploy/grafana/dashboards in the Grafana container. */
    private static final String DASHBOARDS_IN_CONTAINER = "/var/lib/grafana/dashboards";

    @Test
    void theDatasourceIsTheComposePrometheusUnderTheUidTheDashboardUses() {
        Map<String, Object> datasource =
                single(yaml(DeployFiles.GRAFANA_PROVISIONING.resolve("datasources/prometheus.yml")), "datasources");

        assertThat(datasource)
                .containsEntry("type", "prometheus")
                .containsEntry("uid", "prometheus")
                .containsEntry("url", "http://prometheus:9090")
                .containsEntry("isDefault", true);
        JsonNode variable = variable("datasource");
        assertThat(variable.get("type").asString()).isEqualTo("datasource");
        assertThat(variable.get("query").asString()).isEqualTo("prometheus");
    }

    @Test
    void theProviderLoadsTheDashboardsFolderAsComposeMountsIt() {
        Map<String, Object> provider =
                single(yaml(DeployFiles.GRAFANA_PROVISIONING.resolve("dashboards/llmq.yml")), "providers");

        assertThat(provider).containsEntry("type", "file");
        assertThat(provider.get("options"))
                .isEqualTo(Map.of("path", DASHBOARDS_IN_CONTAINER, "foldersFromFilesStructure", false));
        assertThat(DeployFiles.GRAFANA_DASHBOARD).isRegularFile();
    }

    @Test
    void everyPanelHasAUniqueIdADescriptionAndQueriesTheDatasourceVariable() {
        GrafanaDashboard dashboard = GrafanaDashboard.read(DeployFiles.GRAFANA_DASHBOARD);
        Set<Integer> ids = new HashSet<>();

        assertThat(dashboard.root().get("uid").asString()).isEqualTo("llmq");
        assertThat(dashboard.panels()).hasSizeGreaterThan(20);
        for (JsonNode panel : dashboard.panels()) {
            String title = panel.get("title").asString();
            assertThat(ids.add(panel.get("id").asInt()))
                    .as("unique id of %s", title)
                    .isTrue();
            assertThat(panel.path("description").asString("")).as(title).isNotBlank();
            assertThat(panel.get("datasource").get("uid").asString()).as(title).isEqualTo("${datasource}");
            assertThat(panel.get("targets")).as(title).isNotEmpty();
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.get("expr").asString()).as(title).isNotBlank();
            }
        }
    }

    private static JsonNode variable(String name) {
        for (JsonNode variable : GrafanaDashboard.read(DeployFiles.GRAFANA_DASHBOARD)
                .root()
                .get("templating")
                .get("list")) {
            if (name.equals(variable.get("name").asString())) {
                return variable;
            }
        }
        throw new AssertionError("the dashboard has no variable " + name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> single(Map<String, Object> file, String key) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) file.get(key);
        assertThat(entries).hasSize(1);
        return entries.getFirst();
    }

    private static Map<String, Object> yaml(Path file) {
        try {
            return new Yaml().load(Files.readString(file));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
