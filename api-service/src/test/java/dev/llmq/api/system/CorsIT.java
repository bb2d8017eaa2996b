package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** CORS is off unless origins are configured; then only those origins, on the API paths, get access. */
class CorsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "spring.config.name=api-service")
    class ByDefault {

        @LocalServerPort
        int port;

        @Test
        void aPreflightGetsNoCorsHeaders() throws Exception {
            HttpResponse<String> response = preflight(port, "/query", "https://app.example.com");

            assertThat(response.headers().map().keySet())
                    .noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
        }

        @Test
        void aCrossOriginGetGetsNoAllowOrigin() throws Exception {
            HttpResponse<String> response = get(port, "/result?id=7", "https://app.example.com");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {
                "spring.config.name=api-service",
                "llmq.api.cors-allowed-origins=https://app.example.com, http://localhost:3000"
            })
    class WithAllowedOrigins {

        @LocalServerPort
        int port;

        @Test
        void aPreflightFromAnAllowedOriginIsAnsweredWithTheApiHeaders() throws Exception {
            HttpResponse<String> response = preflight(port, "/query", "https://app.example.com");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("https://app.example.com");
            assertThat(response.headers().firstValue("Access-Control-Allow-Methods"))
                    .hasValueSatisfying(methods -> assertThat(methods).contains("POST", "DELETE", "GET"));
            assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                    .hasValueSatisfying(headers -> assertThat(headers.toLowerCase())
                            .contains("authorization", "idempotency-key", "content-type"));
            assertThat(response.headers().firstValue("Access-Control-Allow-Credentials"))
                    .isEmpty();
        }

        @Test
        void aCrossOriginRequestSeesTheOriginAndTheExposedHeaders() throws Exception {
            HttpResponse<String> response = get(port, "/result?id=7", "http://localhost:3000");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue("http://localhost:3000");
            assertThat(response.headers().firstValue("Access-Control-Expose-Headers"))
                    .hasValueSatisfying(headers -> assertThat(headers).contains("Idempotent-Replayed", "Retry-After"));
        }

        @Test
        void aPreflightAllowsTheStreamsLastEventIdHeader() throws Exception {
            HttpResponse<String> response =
                    send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/result/stream?id=7"))
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", "https://app.example.com")
                            .header("Access-Control-Request-Method", "GET")
                            .header("Access-Control-Request-Headers", "last-event-id")
                            .build());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Access-Control-Allow-Headers"))
                    .hasValueSatisfying(
                            headers -> assertThat(headers.toLowerCase()).contains("last-event-id"));
        }

        @Test
        void anOriginNotOnTheListIsRefused() throws Exception {
            HttpResponse<String> response = preflight(port, "/query", "https://evil.example.net");

            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }

        @Test
        void theManagementEndpointsStaySameOrigin() throws Exception {
            HttpResponse<String> response = get(port, "/actuator/health", "https://app.example.com");

            assertThat(response.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    private static HttpResponse<String> preflight(int port, String path, String origin) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .build());
    }

    private static HttpResponse<String> get(int port, String path, String origin) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Origin", origin)
                .build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
