package dev.llmq.simulator.error;

import static dev.llmq.simulator.SimulatorClients.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** OpenAI-style error bodies for bad requests, unknown models, unknown routes and wrong methods. */
@ZeroLatencySimulatorTest
class ErrorResponsesIT {

    private static final String COMPLETIONS = "/v1/chat/completions";

    @LocalServerPort
    private int port;

    @Test
    void rejectsMalformedJsonWithAnInvalidRequestError() {
        HttpResponse<String> response = SimulatorClients.post(port, COMPLETIONS, "{\"model\": \"gpt-4o\", ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").stringValue()).contains("could not parse the JSON body");
        assertThat(error.get("param").isNull()).isTrue();
        assertThat(error.get("code").isNull()).isTrue();
    }

    @Test
    void rejectsMissingMessagesNamingTheParameter() {
        HttpResponse<String> response = SimulatorClients.post(port, COMPLETIONS, "{\"model\": \"gpt-4o\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("message").stringValue()).isEqualTo("Missing required parameter: 'messages'.");
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").stringValue()).isEqualTo("messages");
        assertThat(error.get("code").stringValue()).isEqualTo("missing_required_parameter");
    }

    @Test
    void rejectsAMissingModel() {
        HttpResponse<String> response =
                SimulatorClients.post(port, COMPLETIONS, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/param").stringValue()).isEqualTo("model");
    }

    @Test
    void rejectsAnUnknownModelWithModelNotFound() {
        HttpResponse<String> response = SimulatorClients.post(
                port, COMPLETIONS, "{\"model\": \"gpt-9\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("model_not_found");
        assertThat(error.get("message").stringValue()).contains("`gpt-9`");
    }

    @Test
    void answersAnUnknownRouteWithNotFoundJson() {
        HttpResponse<String> response = SimulatorClients.request(port, "GET", "/v1/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("message").stringValue()).isEqualTo("Invalid URL (GET /v1/nothing-here)");
        assertThat(error.get("type").stringValue()).isEqualTo("invalid_request_error");
    }

    @Test
    void answersAWrongMethodWithMethodNotAllowedJson() {
        HttpResponse<String> response = SimulatorClients.request(port, "GET", COMPLETIONS);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("POST");
        assertThat(json(response.body()).at("/error/message").stringValue())
                .isEqualTo("Invalid method for URL (GET /v1/chat/completions)");
    }
}
