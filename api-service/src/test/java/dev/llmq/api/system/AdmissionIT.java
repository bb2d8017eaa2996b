package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.api.query.ResultWaiters;
import dev.llmq.shared.testing.PrometheusScrape;
import dev.llmq.shared.testing.RedisServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A replica allowed one request at a time: the one more gets a quick 503 with Retry-After and nothing is done for it,
 * probes still answer, and a parked wait holds no place.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "llmq.api.max-concurrent-requests=1",
            "llmq.api.admission-wait=200ms"
        })
class AdmissionIT {

    private static final String BODY = "{\"prompt\":\"slowly sent\"}";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @LocalServerPort
    int port;

    @Autowired
    ResultWaiters waiters;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Test
    void whileOneRequestIsWorkedOnTheNextIsRefusedAtOnceAndServedAfterwards() {
        long earlier = idOf(postQuery("before the crowd"));
        CompletableFuture<HttpResponse<String>> patient;
        try (RawConnection slow = new RawConnection(port)) {
            // holds the replica's one place while its body trickles in
            slow.send("POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY.substring(0, 5));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> postQuery("crowd").statusCode() == 503);

            long started = System.nanoTime();
            HttpResponse<String> refused = postQuery("one too many");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(refused.body()).contains("\"title\":\"Overloaded\"").contains("nothing was done");
            // reading a result needs Redis, so it waits for a place too
            assertThat(get("/result?id=" + earlier + "&wait=0").statusCode()).isEqualTo(503);
            // probes and scrapes are never held back
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            assertThat(PrometheusScrape.of(port)
                            .value("llmq_queries_refused_queries_total", Map.of("reason", "overloaded"))
                            .orElse(0))
                    .isGreaterThanOrEqualTo(2);

            // a client willing to wait for its result queues for a place instead of being refused
            patient = CompletableFuture.supplyAsync(() -> get("/result?id=" + earlier + "&wait=3s"));
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> !patient.isDone());

            slow.send(BODY.substring(5));
            assertThat(slow.readUntilClosed()).startsWith("HTTP/1.1 200").contains("\"status\":\"queued\"");
        }
        assertThat(patient.join().statusCode()).isEqualTo(202);
        assertThat(postQuery("after the crowd").statusCode()).isEqualTo(200);
        assertThat(get("/result?id=" + earlier + "&wait=0").statusCode()).isEqualTo(202);
    }

    @Test
    void aParkedWaitHoldsNoPlace() {
        long id = idOf(postQuery("nobody answers me"));
        CompletableFuture<HttpResponse<String>> waiting =
                CompletableFuture.supplyAsync(() -> get("/result?id=" + id + "&wait=20s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.size() == 1);

        assertThat(postQuery("beside the wait").statusCode()).isEqualTo(200);
        assertThat(get("/result?id=" + id + "&wait=0").statusCode()).isEqualTo(202);
        assertThat(waiting).isNotDone();
        waiting.cancel(true);
    }

    private HttpResponse<String> postQuery(String prompt) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + prompt + "\"}"))
                .build());
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static long idOf(HttpResponse<String> response) {
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(id.find()).as("an id in %s", response.body()).isTrue();
        return Long.parseLong(id.group(1));
    }
}
