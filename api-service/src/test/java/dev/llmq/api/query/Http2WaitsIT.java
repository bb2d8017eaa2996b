package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With {@code LLMQ_API_HTTP2=true}, a client multiplexes its waits on one connection and every one of them waits. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-service", "server.http2.enabled=true"})
class Http2WaitsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @RegisterExtension
    static StandInWorker standIn = new StandInWorker(server);

    @LocalServerPort
    int port;

    @Autowired
    ResultWaiters waiters;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Test
    void ninetyWaitsOnOneConnectionAllWaitAtOnceAndAllWake() throws Exception {
        // more than Tomcat's default of 20 streams running at once per connection, fewer than its 100 streams
        int count = 90;
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        try {
            // cleartext HTTP/2 starts with an upgrade: one request first, so the rest share the upgraded connection
            HttpResponse<String> first = http.send(
                    HttpRequest.newBuilder(uri("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HttpResponse<String> accepted = http.send(
                        HttpRequest.newBuilder(uri("/query"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"waiter " + i + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).isEqualTo(200);
                ids.add(ApiTestSupport.idOf(accepted));
            }
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (long id : ids) {
                responses.add(http.sendAsync(
                        HttpRequest.newBuilder(uri("/result?id=" + id + "&wait=60s"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> waiters.size() == count);

            RedisWorkQueue worker = standIn.queue();
            List<Delivery> deliveries = new ArrayList<>();
            while (deliveries.size() < count) {
                deliveries.addAll(worker.read(count, Duration.ofSeconds(1)));
            }
            deliveries.forEach(delivery -> worker.finish(
                    delivery,
                    Outcomes.answered(
                            delivery.query().id(), "answer " + delivery.query().id())));
            for (int i = 0; i < count; i++) {
                HttpResponse<String> response = responses.get(i).get(10, TimeUnit.SECONDS);
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).contains("\"text\":\"answer " + new QueryId(ids.get(i)) + "\"");
            }
        } finally {
            // close() would wait for the waits still open after a failure
            http.shutdownNow();
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }
}
