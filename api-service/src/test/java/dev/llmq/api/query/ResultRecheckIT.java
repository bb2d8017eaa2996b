package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A wait whose result was stored without its notification is answered by the next recheck, not at its end. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-service", "llmq.api.result-recheck-interval=1s"})
class ResultRecheckIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @LocalServerPort
    int port;

    @Autowired
    ResultWaiters waiters;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Test
    void aWaitWhoseNotificationNeverCameIsAnsweredWithinTheRecheckInterval() throws Exception {
        ApiTestSupport api = new ApiTestSupport(port);
        long id = ApiTestSupport.idOf(api.postQuery("never announced"));
        CompletableFuture<HttpResponse<String>> waiting =
                CompletableFuture.supplyAsync(() -> api.get("/result?id=" + id + "&wait=60s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.size() == 1);

        // stored the way a worker stores it, but with no PUBLISH: only a read of the key can find it
        String outcome = ProtocolJson.encode(Outcomes.answered(new QueryId(id), "found by the recheck"));
        try (var cli = server.redis().cli()) {
            cli.call("SET", "query_result_" + id, outcome);
        }
        long stored = System.nanoTime();

        HttpResponse<String> result = waiting.get(20, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - stored)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("\"text\":\"found by the recheck\"");
        assertThat(waiters.size()).isZero();
    }
}
