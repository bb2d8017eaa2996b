package dev.llmq.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the api-service; {@link #start} also lets the standalone module run it in a shared JVM. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApiServiceApplication {

    public static void main(String[] args) {
        start(args);
    }

    /** Runs the api-service with its own config file name so it can share a JVM with the other services. */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication application = new SpringApplication(ApiServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", "api-service"));
        return application.run(args);
    }
}
