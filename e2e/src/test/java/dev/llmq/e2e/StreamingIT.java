package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.simulator.SimulatedAnswers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real worker streams a slow simulated answer: the client sees it arrive piece by piece, then the outcome. */
class StreamingIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final Pattern TEXT = Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static Cluster cluster;
    private static Cluster.Api api;

    @BeforeAll
    static void start() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ZERO, "--llmq.simulator.per-token-delay=150ms");
        api = cluster.startApi();
        cluster.startWorker();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theAnswerStreamsPieceByPieceBeforeTheOutcome() throws Exception {
        String prompt = "tell me a rather long story about queues and streams and workers";
        long id = cluster.submit(api, prompt);

        List<String> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/result/stream?id=" + id))
                                .build(),
                        HttpResponse.BodyHandlers.ofLines());
        String event = null;
        for (String line : (Iterable<String>) response.body()::iterator) {
            if (line.startsWith("event:")) {
                event = line.substring(6).trim();
                events.add(event);
            } else if (line.startsWith("data:") && "delta".equals(event)) {
                Matcher matcher = TEXT.matcher(line);
                if (matcher.find()) {
                    text.append(matcher.group(1));
                }
            }
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(events.getLast()).isEqualTo("outcome");
        assertThat(events.stream().filter("delta"::equals).count())
                .as("pieces before the outcome")
                .isGreaterThanOrEqualTo(3);
        assertThat(text.toString()).isEqualTo(SimulatedAnswers.answerFor(prompt));
    }
}
