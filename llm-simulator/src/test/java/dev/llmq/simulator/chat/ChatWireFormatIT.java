package dev.llmq.simulator.chat;

import static dev.llmq.simulator.SimulatorClients.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.simulator.SimulatedAnswers;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Checks the raw JSON of replies, for the fields an SDK would hide, and what clients may leave out or add. */
@ZeroLatencySimulatorTest
class ChatWireFormatIT {

    private static final String COMPLETIONS = "/v1/chat/completions";
    private static final String HELLO =
            "{\"model\": \"gpt-4o\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @LocalServerPort
    private int port;

    @Test
    void answersWithoutAnyAuthorizationHeaderInOpenAisFormat() {
        HttpResponse<String> response = SimulatorClients.post(port, COMPLETIONS, HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode completion = json(response.body());
        assertThat(completion.get("object").stringValue()).isEqualTo("chat.completion");
        assertThat(completion.get("created").isIntegralNumber()).isTrue();
        assertThat(completion.at("/choices/0/message/role").stringValue()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").stringValue())
                .isEqualTo(SimulatedAnswers.answerFor("hi"));
        assertThat(completion.at("/choices/0/message/refusal").isNull()).isTrue();
        assertThat(completion.at("/choices/0/logprobs").isNull()).isTrue();
        assertThat(completion.get("system_fingerprint").stringValue()).isEqualTo("llmq-simulator");
    }

    @Test
    void acceptsAnyBearerToken() {
        HttpResponse<String> response =
                SimulatorClients.post(port, COMPLETIONS, HELLO, "Authorization", "Bearer not-a-real-key");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void answersJsonWhateverTheClientAccepts() {
        HttpResponse<String> response = SimulatorClients.post(port, COMPLETIONS, HELLO, "Accept", "text/event-stream");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }
}
