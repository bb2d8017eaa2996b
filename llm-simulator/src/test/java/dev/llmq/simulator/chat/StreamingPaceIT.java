package dev.llmq.simulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.simulator.SimulatedAnswers;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.connection.ClientConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;

/**
 * Checks the order of pauses and chunks over real HTTP: the simulator's pauses are held open by the test, so each
 * step is observed while the server is provably waiting, without relying on wall-clock timing.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        useMainMethod = UseMainMethod.ALWAYS,
        properties = {"llmq.simulator.time-to-first-token=250ms", "llmq.simulator.per-token-delay=10ms"})
@Import(StreamingPaceIT.GateConfiguration.class)
class StreamingPaceIT {

    private static final Duration TIME_TO_FIRST_TOKEN = Duration.ofMillis(250);
    private static final Duration PER_TOKEN_DELAY = Duration.ofMillis(10);
    private static final String PROMPT = "one two three";

    @LocalServerPort
    private int port;

    @Autowired
    private GatedPacer pacer;

    @AfterEach
    void openTheGate() {
        pacer.releaseAll();
    }

    @Test
    void sendsHeadersFirstThenOneChunkPerTokenEachAfterItsPause() throws IOException, InterruptedException {
        List<String> tokens = Tokens.split(SimulatedAnswers.answerFor(PROMPT));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> response = http.send(
                    SimulatorClients.postRequest(port, "/v1/chat/completions", body(true)),
                    BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));

            try (BufferedReader events =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                List<String> received = new ArrayList<>();
                for (int i = 0; i < tokens.size(); i++) {
                    Duration expectedPause = i == 0 ? TIME_TO_FIRST_TOKEN : PER_TOKEN_DELAY;
                    int pauses = i + 1;
                    await().until(() -> pacer.requested().size() == pauses);
                    assertThat(pacer.requested().getLast()).isEqualTo(expectedPause);
                    assertThat(events.ready())
                            .as("a chunk arrived before its pause ended")
                            .isFalse();

                    pacer.release();
                    JsonNode chunk = nextChunk(events);
                    received.add(chunk.at("/choices/0/delta/content").stringValue());
                }
                assertThat(received).containsExactlyElementsOf(tokens);
                assertThat(nextChunk(events).at("/choices/0/finish_reason").stringValue())
                        .isEqualTo("stop");
                assertThat(events.readLine()).isEqualTo("data: [DONE]");
            }
        }
        assertThat(pacer.requested()).hasSize(tokens.size()).first().isEqualTo(TIME_TO_FIRST_TOKEN);
    }

    @Test
    void answersANonStreamingRequestOnlyAfterTheWholeLatency() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            CompletableFuture<HttpResponse<String>> response = http.sendAsync(
                    SimulatorClients.postRequest(port, "/v1/chat/completions", body(false)), BodyHandlers.ofString());

            await().until(() -> pacer.requested().size() == 1);
            assertThat(pacer.requested().getFirst())
                    .isEqualTo(TIME_TO_FIRST_TOKEN.plus(PER_TOKEN_DELAY.multipliedBy(6)));
            assertThat(response).isNotDone();

            pacer.release();
            assertThat(response.join().statusCode()).isEqualTo(200);
        }
    }

    private static String body(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + PROMPT + "\"}]}";
    }

    private static JsonNode nextChunk(BufferedReader events) throws IOException {
        String line = events.readLine();
        assertThat(line).startsWith("data: {");
        assertThat(events.readLine()).isEmpty();
        return SimulatorClients.json(line.substring("data: ".length()));
    }

    /** Replaces the sleeping pacer by one the test opens pause by pause. */
    @TestConfiguration(proxyBeanMethods = false)
    static class GateConfiguration {

        @Bean
        @Primary
        GatedPacer gatedPacer() {
            return new GatedPacer();
        }
    }

    /** Records every pause asked for and holds it until the test releases it. */
    static final class GatedPacer implements Pacer {

        private final List<Pause> pauses = new CopyOnWriteArrayList<>();

        @Override
        public void pause(Duration duration, ClientConnection connection) {
            Pause pause = new Pause(duration, new CountDownLatch(1));
            pauses.add(pause);
            try {
                pause.gate().await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted while gated");
            }
        }

        /** The durations asked for so far, in order. */
        List<Duration> requested() {
            return pauses.stream().map(Pause::duration).toList();
        }

        /** Ends the latest pause. */
        void release() {
            pauses.getLast().gate().countDown();
        }

        /** Ends every pause and forgets them, for the next test. */
        void releaseAll() {
            pauses.forEach(pause -> pause.gate().countDown());
            pauses.clear();
        }

        /** One pause asked for, and the latch that ends it. */
        private record Pause(Duration duration, CountDownLatch gate) {}
    }
}
