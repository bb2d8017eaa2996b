package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.api.ApiServiceApplication;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A stopping replica ends its parked waits and open answer streams at once, instead of holding its graceful shutdown
 * until they time out and then cutting them off.
 */
class ReleaseOnShutdownIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void parkedWaitsAndStreamsEndAtOnceWhenTheReplicaStops() throws Exception {
        // as arguments: default properties lose to api-service.properties, whose Redis URL is localhost:6379
        ConfigurableApplicationContext api = new SpringApplicationBuilder(ApiServiceApplication.class)
                .properties("spring.config.name=api-service")
                .run("--server.port=0", "--llmq.redis.url=" + server.redis().url());
        try {
            String base = "http://127.0.0.1:"
                    + ((WebServerApplicationContext) api).getWebServer().getPort();
            // no worker: the query stays queued
            String accepted = http.send(
                            HttpRequest.newBuilder(URI.create(base + "/query"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"never answered\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher idMatch = Pattern.compile("\"id\"\\s*:\\s*\"?(\\d+)").matcher(accepted);
            assertThat(idMatch.find()).as(accepted).isTrue();
            String id = idMatch.group(1);
            assertThat(server.redis().call("EXISTS", "query_result_" + id, "llmq:status:{query_result_" + id + "}"))
                    .as("the query is in the test's own Redis")
                    .isEqualTo(1L);

            CompletableFuture<HttpResponse<String>> wait = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/result?id=" + id + "&wait=120s"))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // its headers come with its first event
            CompletableFuture<HttpResponse<String>> stream = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/result/stream?id=" + id))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            ResultWaiters waiters = api.getBean(ResultWaiters.class);
            AnswerStreams streams = api.getBean(AnswerStreams.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> waiters.size() == 1 && streams.size() == 1);

            long stopping = System.nanoTime();
            api.close();
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);

            assertThat(stopped).as("the graceful shutdown waited for nothing").isLessThan(Duration.ofSeconds(10));
            HttpResponse<String> answered = wait.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(202);
            assertThat(answered.body()).contains("\"status\":\"queued\"");
            assertThat(answered.headers().firstValue("Connection")).hasValue("close");
            HttpResponse<String> ended = stream.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ended.statusCode()).isEqualTo(200);
            assertThat(ended.body()).as("the stream ended without an outcome").doesNotContain("outcome");
        } finally {
            api.close();
        }
    }
}
