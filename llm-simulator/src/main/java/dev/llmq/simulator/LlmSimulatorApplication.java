package dev.llmq.simulator;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Entry point of the LLM simulator, runnable as its own jar ({@link #main}) or in-process next to other Spring
 * applications ({@link #start}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LlmSimulatorApplication {

    /** Name of the config files the simulator reads ({@code llm-simulator.properties}), so it never reads another app's. */
    static final String CONFIG_NAME = "llm-simulator";

    /** Starts the simulator and keeps it running until the JVM stops. */
    public static void main(String[] args) {
        start(args);
    }

    /**
     * Starts a simulator instance and returns its context; close it to stop the server. Arguments are Spring Boot
     * command-line properties, e.g. {@code --server.port=0} or {@code --llmq.simulator.time-to-first-token=0ms}.
     */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication application = new SpringApplication(LlmSimulatorApplication.class);
        application.setDefaultProperties(
                Map.of("spring.config.name", CONFIG_NAME, "spring.threads.virtual.enabled", "true"));
        return application.run(args);
    }
}
