package dev.llmq.simulator.requestlog;

import static dev.llmq.simulator.SimulatorClients.chatBody;
import static dev.llmq.simulator.SimulatorClients.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIIoException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import dev.llmq.simulator.fault.RequestedFault;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The request log through {@code /simulator/requests}: outcomes, fields, and clients that go away early. */
@ZeroLatencySimulatorTest
class RequestLogIT {

    private static final String REQUESTS = "/simulator/requests";
    private static final String COMPLETIONS = "/v1/chat/completions";

    @LocalServerPort
    private int port;

    @BeforeEach
    @AfterEach
    void clearLog() {
        assertThat(SimulatorClients.request(port, "DELETE", REQUESTS).statusCode())
                .isEqualTo(204);
        SimulatorClients.request(port, "DELETE", "/simulator/limits");
    }

    @Test
    void logsEachRequestInArrivalOrderWithItsOutcome() {
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-4o", "first", false));
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-4o-mini", "second", true), RequestedFault.HEADER, "503");
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-9", "third", false));
        SimulatorClients.post(port, "/simulator/limits", "{\"requests_per_window\":1}");
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-4o", "fourth", false));
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-4o", "fifth", false));

        JsonNode entries = json(SimulatorClients.request(port, "GET", REQUESTS).body());

        assertThat(entries).hasSize(5);
        assertThat(entries.valueStream().map(entry -> entry.get("outcome").stringValue()))
                .containsExactly("ok", "fault:503", "rejected", "ok", "rate_limited");
        assertThat(entries.valueStream().map(entry -> entry.get("status_code").intValue()))
                .containsExactly(200, 503, 404, 200, 429);
        assertThat(entries.valueStream().map(entry -> entry.get("sequence").longValue()))
                .isSorted()
                .doesNotHaveDuplicates();
        JsonNode first = entries.get(0);
        assertThat(first.get("model").stringValue()).isEqualTo("gpt-4o");
        assertThat(first.get("last_user_message").stringValue()).isEqualTo("first");
        assertThat(first.get("stream").booleanValue()).isFalse();
        assertThat(first.get("completion_tokens").intValue()).isEqualTo(4);
        assertThat(first.get("client_disconnected").booleanValue()).isFalse();
        assertThat(first.get("completed").booleanValue()).isTrue();
        assertThat(first.get("fault").isNull()).isTrue();
        assertThat(Instant.parse(first.get("arrived_at").stringValue()).toEpochMilli())
                .isEqualTo(first.get("arrived_at_epoch_millis").longValue());
        JsonNode second = entries.get(1);
        assertThat(second.get("stream").booleanValue()).isTrue();
        assertThat(second.get("fault").stringValue()).isEqualTo("503");
        assertThat(second.get("completion_tokens").intValue()).isZero();
    }

    @Test
    void logsAClientThatClosesAStreamMidwayAsDisconnected() {
        OpenAIClient client = SimulatorClients.openAi(port);
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-4o")
                    .addUserMessage("a slow answer of many words")
                    .putAdditionalHeader(RequestedFault.HEADER, "slow-stream;per-token=500ms")
                    .build();
            try (StreamResponse<ChatCompletionChunk> stream =
                    client.chat().completions().createStreaming(params)) {
                Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
                chunks.next();
                chunks.next();
            } // closing a stream that is not finished drops the connection
        } finally {
            client.close();
        }

        JsonNode entry =
                awaitOnlyEntry(logged -> logged.get("client_disconnected").booleanValue());
        assertThat(entry.get("outcome").stringValue()).isEqualTo("fault:slow-stream");
        assertThat(entry.get("completion_tokens").intValue()).isEqualTo(2);
        assertThat(entry.get("completed").booleanValue()).isTrue();
    }

    @Test
    void logsAClientThatGivesUpDuringAStallAsDisconnected() {
        // the JVM's first SDK request loads most of the SDK: it could take longer than the 300 ms below before
        // reaching the simulator, so a patient client makes one first
        OpenAIClient patient = SimulatorClients.openAi(port);
        try {
            patient.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("gpt-4o")
                            .addUserMessage("warm-up")
                            .build());
        } finally {
            patient.close();
        }
        clearLog();
        OpenAIClient client = SimulatorClients.openAi(port, Duration.ofMillis(300));
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-4o")
                    .addUserMessage("[[fault:stall-before-first-byte;seconds=2]]")
                    .build();
            try {
                client.chat().completions().create(params);
            } catch (OpenAIIoException expected) {
                // the client's timeout
            }
        } finally {
            client.close();
        }

        JsonNode entry =
                awaitOnlyEntry(logged -> logged.get("client_disconnected").booleanValue());
        assertThat(entry.get("outcome").stringValue()).isEqualTo("fault:stall-before-first-byte");
        assertThat(entry.get("completion_tokens").intValue()).isZero();
    }

    @Test
    void logsACompleteStreamAsNotDisconnected() {
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-4o", "hi", true));

        JsonNode entry = awaitOnlyEntry(logged -> logged.get("completed").booleanValue());
        assertThat(entry.get("client_disconnected").booleanValue()).isFalse();
        assertThat(entry.get("completion_tokens").intValue()).isEqualTo(4);
    }

    @Test
    void forgetsEverythingWhenCleared() {
        SimulatorClients.post(port, COMPLETIONS, chatBody("gpt-4o", "hi", false));

        SimulatorClients.request(port, "DELETE", REQUESTS);

        assertThat(json(SimulatorClients.request(port, "GET", REQUESTS).body())).isEmpty();
    }

    private JsonNode awaitOnlyEntry(Predicate<JsonNode> condition) {
        return await().atMost(Duration.ofSeconds(3))
                .until(
                        () -> json(
                                SimulatorClients.request(port, "GET", REQUESTS).body()),
                        entries -> entries.size() == 1 && condition.test(entries.get(0)))
                .get(0);
    }
}
