package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Clients that send half a request and stall are cut off after the timeouts, and everyone else is still served. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "server.tomcat.connection-timeout=1s",
            "server.tomcat.keep-alive-timeout=1s",
            "llmq.api.body-read-timeout=2s"
        })
class SlowClientsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Test
    void aClientStallingInItsRequestLineIsDisconnectedAfterTheConnectionTimeout() {
        try (RawConnection slow = new RawConnection(port)) {
            long started = System.nanoTime();
            slow.send("GET /result?id=1 HT");

            slow.readUntilClosed();

            assertThat(elapsedSince(started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }

    @Test
    void aClientStallingInItsHeadersIsDisconnectedAfterTheConnectionTimeout() {
        try (RawConnection slow = new RawConnection(port)) {
            long started = System.nanoTime();
            slow.send("GET /result?id=1 HTTP/1.1\r\nHost: localhost\r\nX-Half: ");

            slow.readUntilClosed();

            assertThat(elapsedSince(started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }

    @Test
    void aClientStallingInItsBodyIsDisconnected() {
        try (RawConnection slow = new RawConnection(port)) {
            long started = System.nanoTime();
            slow.send("POST /query HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"prompt\":\"");

            String response = slow.readUntilClosed();

            assertThat(elapsedSince(started)).isLessThan(Duration.ofSeconds(6));
            assertThat(response).doesNotContain("HTTP/1.1 5").doesNotContain("Exception");
        }
    }

    @Test
    void aClientTricklingItsBodyGets408WithinTheBodyReadTimeout() {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (RawConnection slow = new RawConnection(port)) {
            long started = System.nanoTime();
            slow.send("POST /query HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"prompt\":\"");
            // each byte arrives well within the connection timeout, so only the total deadline stops this client
            trickle.scheduleAtFixedRate(() -> slow.trySend("x"), 0, 200, TimeUnit.MILLISECONDS);

            String response = slow.readUntilClosed();

            assertThat(elapsedSince(started)).isLessThan(Duration.ofSeconds(6));
            assertThat(response)
                    .startsWith("HTTP/1.1 408")
                    .contains("application/problem+json")
                    .contains("was not received within 2000 ms");
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void manyStalledClientsDoNotKeepOthersWaiting() throws Exception {
        List<RawConnection> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                stalled.add(new RawConnection(port).send("POST /query HTTP/1.1\r\nHost: localhost\r\n"));
            }
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            long started = System.nanoTime();

            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/result?id=7"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(elapsedSince(started)).isLessThan(Duration.ofSeconds(2));
        } finally {
            stalled.forEach(RawConnection::close);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() {
        try (RawConnection idle = new RawConnection(port)) {
            long started = System.nanoTime();
            idle.send("GET /result?id=7 HTTP/1.1\r\nHost: localhost\r\n\r\n");

            String response = idle.readUntilClosed();

            assertThat(response).startsWith("HTTP/1.1 404");
            assertThat(elapsedSince(started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }

    private static Duration elapsedSince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
