package dev.llmq.worker;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a worker; {@link #start} also lets the standalone module run it in a shared JVM. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WorkerServiceApplication {

    public static void main(String[] args) {
        start(args);
    }

    /** Runs the worker with its own config file name so it can share a JVM with the other services. */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication application = new SpringApplication(WorkerServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "worker-service"));
        return application.run(args);
    }
}
