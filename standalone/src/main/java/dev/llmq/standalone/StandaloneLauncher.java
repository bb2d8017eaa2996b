package dev.llmq.standalone;

import dev.llmq.api.ApiServiceApplication;
import dev.llmq.simulator.LlmSimulatorApplication;
import dev.llmq.worker.WorkerServiceApplication;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The one-command run: starts (or finds) Redis, the simulator when no provider is configured, a worker and the
 * api-service, each as its own Spring context in this JVM, and stops them in reverse order on exit.
 */
public final class StandaloneLauncher {

    private static final Logger log = LoggerFactory.getLogger(StandaloneLauncher.class);

    /** Three contexts share one logging system: their names would all show as the first one's. */
    private static final String NO_APP_NAME = "--logging.include-application-name=false";

    /** Logging must outlive the ordered stop, so that what the stop does is logged. */
    private static final String NO_LOGGING_HOOK = "--logging.register-shutdown-hook=false";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final SharedMetrics metrics = new SharedMetrics();

    public static void main(String[] args) {
        StandaloneLauncher launcher = new StandaloneLauncher();
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "llmq-standalone-stop"));
        try {
            launcher.start(StandaloneSettings.from(System.getenv()));
        } catch (RuntimeException ex) {
            log.error("llmq could not start: {}", ex.getMessage(), ex);
            launcher.stop();
            System.exit(1);
        }
    }

    void start(StandaloneSettings settings) {
        RedisForStandalone redis = RedisForStandalone.choose(settings);
        started.push(redis);

        List<String> workerArgs = new ArrayList<>(common(redis.url(), settings.logFormat()));
        workerArgs.add("--server.port=0");
        if (settings.simulated()) {
            ConfigurableApplicationContext simulator = LlmSimulatorApplication.start(
                    "--server.port=0", "--spring.main.register-shutdown-hook=false", NO_APP_NAME, NO_LOGGING_HOOK);
            started.push(simulator::close);
            String baseUrl = "http://127.0.0.1:" + port(simulator) + "/v1";
            log.info(
                    "LLM: OPENAI_API_KEY is not set, so answers are simulated by the built-in llm-simulator at {}",
                    baseUrl);
            workerArgs.add("--llmq.llm.base-url=" + baseUrl);
            workerArgs.add("--llmq.llm.api-key=simulated");
        } else {
            log.info(
                    "LLM: {}", settings.openAiBaseUrl() == null ? "OpenAI (OPENAI_API_KEY)" : settings.openAiBaseUrl());
        }
        ConfigurableApplicationContext worker =
                metrics.run(() -> WorkerServiceApplication.start(workerArgs.toArray(String[]::new)));
        started.push(worker::close);

        List<String> apiArgs = new ArrayList<>(common(redis.url(), settings.logFormat()));
        apiArgs.add("--server.port=" + settings.port());
        // the api binds into the registry the worker filled: Micrometer's warnings about late filters and the
        // second Redis gauge say only that (set once the worker has started, so genuine warnings of its start show)
        apiArgs.add("--logging.level.io.micrometer.prometheusmetrics.PrometheusMeterRegistry=error");
        apiArgs.add("--logging.level.io.micrometer.core.instrument.MeterRegistry=error");
        ConfigurableApplicationContext api =
                metrics.run(() -> ApiServiceApplication.start(apiArgs.toArray(String[]::new)));
        started.push(api::close);
        log.info(
                "llmq is ready: POST http://localhost:{}/query  GET http://localhost:{}/result?id=N",
                port(api),
                port(api));
        log.info(
                "Monitoring: metrics of both at http://localhost:{}/actuator/prometheus; health of the api at"
                        + " http://localhost:{}/actuator/health, of the worker at http://localhost:{}/actuator/health",
                port(api),
                port(api),
                port(worker));
    }

    /** Run locally, the services log human-readable lines unless {@code LLMQ_LOG_FORMAT} asks for JSON. */
    private static List<String> common(@Nullable String redisUrl, String logFormat) {
        List<String> args = new ArrayList<>(List.of(
                "--LLMQ_LOG_FORMAT=" + logFormat,
                "--spring.main.register-shutdown-hook=false",
                "--management.metrics.tags.application=" + SharedMetrics.APPLICATION,
                NO_APP_NAME,
                NO_LOGGING_HOOK));
        if (redisUrl != null) {
            args.add("--llmq.redis.url=" + redisUrl);
        }
        return args;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Stops the api first (no new queries), then the worker (finishes in-flight), then the simulator and Redis. */
    synchronized void stop() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception ex) {
                log.warn("Stopping a component failed: {}", ex.getMessage());
            }
        }
    }
}
