package dev.llmq.e2e.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/prometheus/prometheus.yml made runnable on loopback: the same jobs, metrics paths, relabelling and rule
 * files, with each job's DNS discovery replaced by the test's {@code 127.0.0.1:<port>} and short intervals.
 *
 * <p>The discovery is replaced, not pointed at {@code localhost}: Prometheus's DNS discovery asks the nameservers of
 * /etc/resolv.conf directly and never reads /etc/hosts, and a resolver need not answer {@code localhost} (this
 * machine's says NXDOMAIN), so a test relying on it would depend on the host's DNS. That the DNS discovery finds the
 * compose services is checked on the file itself ({@link PrometheusConfigIT}).
 */
final class PrometheusTestConfig {

    private PrometheusTestConfig() {}

    /** Writes the derived config into {@code dir} and returns its path. */
    static Path write(Path deployed, Map<String, Integer> portsByJob, String interval, Path dir) {
        try {
            Map<String, Object> config = map(new Yaml().load(Files.readString(deployed)));
            Map<String, Object> global = new LinkedHashMap<>(map(config.getOrDefault("global", Map.of())));
            global.put("scrape_interval", interval);
            global.put("scrape_timeout", interval);
            global.put("evaluation_interval", interval);
            config.put("global", global);
            config.put("rule_files", absoluteRuleFiles(config, deployed.getParent()));
            for (Map<String, Object> job : jobsByName(config).values()) {
                pointAtLoopback(job, portsByJob);
            }
            Path file = dir.resolve("prometheus.yml");
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            Files.writeString(file, new Yaml(options).dump(config));
            return file;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The scrape jobs of a parsed config by {@code job_name}, in file order. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> jobsByName(Map<String, Object> config) {
        Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
        for (Object job : (List<Object>) config.get("scrape_configs")) {
            jobs.put((String) map(job).get("job_name"), map(job));
        }
        return jobs;
    }

    private static void pointAtLoopback(Map<String, Object> job, Map<String, Integer> portsByJob) {
        String name = (String) job.get("job_name");
        Integer port = portsByJob.get(name);
        if (port == null) {
            throw new IllegalArgumentException("the test has no process for scrape job " + name);
        }
        if (job.remove("dns_sd_configs") == null) {
            throw new IllegalArgumentException("scrape job " + name + " has no dns_sd_configs to replace");
        }
        job.put("static_configs", List.of(Map.of("targets", List.of("127.0.0.1:" + port))));
    }

    @SuppressWarnings("unchecked")
    private static List<String> absoluteRuleFiles(Map<String, Object> config, Path base) {
        List<String> files = new ArrayList<>();
        for (String pattern : (List<String>) config.getOrDefault("rule_files", List.of())) {
            files.add(base.resolve(pattern).toAbsolutePath().toString());
        }
        return files;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object yaml) {
        return (Map<String, Object>) yaml;
    }
}
