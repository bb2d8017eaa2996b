package dev.llmq.standalone;

import dev.llmq.api.ApiServiceApplication;
import dev.llmq.simulator.LlmSimulatorApplication;
import dev.llmq.worker.WorkerServiceApplication;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
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
        ConfigurableApplicationContext worker = WorkerServiceApplication.start(workerArgs.toArray(String[]::new));
        started.push(worker::close);

        List<String> apiArgs = new ArrayList<>(common(redis.url(), settings.logFormat()));
        apiArgs.add("--server.port=" + settings.port());
        ConfigurableApplicationContext api = ApiServiceApplication.start(apiArgs.toArray(String[]::new));
        started.push(api::close);
        log.info(
                "llmq is ready: POST http://localhost:{}/query  GET http://localhost:{}/result?id=N",
                port(api),
                port(api));
    }

    /** Run locally, the services log human-readable lines unless {@code LLMQ_LOG_FORMAT} asks for JSON. */
    private static List<String> common(String redisUrl, String logFormat) {
        return List.of(
                "--llmq.redis.url=" + redisUrl,
                "--LLMQ_LOG_FORMAT=" + logFormat,
                "--spring.main.register-shutdown-hook=false",
                NO_APP_NAME,
                NO_LOGGING_HOOK);
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
