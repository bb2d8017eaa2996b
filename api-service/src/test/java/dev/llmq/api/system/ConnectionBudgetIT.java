package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The running Tomcat serves as many connections at once as the heap holds, or as many as configured. */
class ConnectionBudgetIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    static Object maxConnections(WebServerApplicationContext context) {
        return ((TomcatWebServer) context.getWebServer())
                .getTomcat()
                .getConnector()
                .getProperty("maxConnections");
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "spring.config.name=api-service")
    class ByDefault {

        @Autowired
        WebServerApplicationContext context;

        @Test
        void theConnectionsFollowTheHeap() {
            assertThat(maxConnections(context))
                    .isEqualTo(ConnectionBudget.forHeap(
                            Runtime.getRuntime().maxMemory(), ConnectionBudget.compressedPointers()))
                    .isNotEqualTo(8_192);
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"spring.config.name=api-service", "server.tomcat.max-connections=1234"})
    class Configured {

        @Autowired
        WebServerApplicationContext context;

        @Test
        void theConfiguredLimitWins() {
            assertThat(maxConnections(context)).isEqualTo(1_234);
        }
    }
}
