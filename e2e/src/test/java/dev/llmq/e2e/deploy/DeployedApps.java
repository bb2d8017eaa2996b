package dev.llmq.e2e.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The three deployables as the deployment files must see them: main class, and the HTTP port with the environment
 * variable that sets it, read from each app's own properties file (so a changed default breaks these tests, not a
 * deployment).
 */
record DeployedApps(String module, String mainClass, String portVariable, int port) {

    /** {@code server.port=${PORT:8080}} or {@code server.port=8090} (then Spring's own {@code SERVER_PORT}). */
    private static final Pattern PORT = Pattern.compile("\\$\\{([A-Z_]+):(\\d+)}|(\\d+)");

    static final DeployedApps API = of("api-service", "dev.llmq.api.ApiServiceApplication");
    static final DeployedApps WORKER = of("worker-service", "dev.llmq.worker.WorkerServiceApplication");
    static final DeployedApps SIMULATOR = of("llm-simulator", "dev.llmq.simulator.LlmSimulatorApplication");

    static final List<DeployedApps> ALL = List.of(API, WORKER, SIMULATOR);

    static DeployedApps named(String module) {
        return ALL.stream()
                .filter(app -> app.module.equals(module))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such deployable: " + module));
    }

    private static DeployedApps of(String module, String mainClass) {
        String port = property(module, "server.port");
        Matcher matcher = PORT.matcher(port);
        if (!matcher.matches()) {
            throw new IllegalStateException(module + ".properties: unexpected server.port " + port);
        }
        return matcher.group(3) != null
                ? new DeployedApps(module, mainClass, "SERVER_PORT", Integer.parseInt(matcher.group(3)))
                : new DeployedApps(module, mainClass, matcher.group(1), Integer.parseInt(matcher.group(2)));
    }

    /** A property of the app's own {@code <module>.properties} (on the test classpath through its lib jar). */
    static String property(String module, String name) {
        Properties properties = new Properties();
        try (InputStream in = DeployedApps.class.getResourceAsStream("/" + module + ".properties")) {
            if (in == null) {
                throw new IllegalStateException(module + ".properties is not on the test classpath");
            }
            properties.load(in);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        String value = properties.getProperty(name);
        if (value == null) {
            throw new IllegalStateException(module + ".properties has no " + name);
        }
        return value;
    }
}
