package dev.llmq.simulator.fault;

import static dev.llmq.simulator.SimulatorClients.chatBody;
import static dev.llmq.simulator.SimulatorClients.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.simulator.RawHttp;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import dev.llmq.simulator.control.SimulatorControl;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Faults as they look on the wire: headers and bodies of errors, a connection closed early, a cut stream. */
@ZeroLatencySimulatorTest
class FaultWireIT {

    private static final String COMPLETIONS = "/v1/chat/completions";

    @LocalServerPort
    private int port;

    @Autowired
    private SimulatorControl control;

    @AfterEach
    void cleanUp() {
        control.reset();
    }

    @Test
    void answers429WithRetryAfterOpenAiRateLimitHeadersAndError() {
        HttpResponse<String> response = SimulatorClients.post(
                port, COMPLETIONS, chatBody("gpt-4o", "hi", false), RequestedFault.HEADER, "429;retry-after=2");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("2");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-requests"))
                .contains("0");
        assertThat(response.headers().firstValue("x-ratelimit-reset-requests")).contains("2s");
        assertThat(response.headers().map())
                .containsKeys(
                        "x-ratelimit-limit-requests",
                        "x-ratelimit-limit-tokens",
                        "x-ratelimit-remaining-tokens",
                        "x-ratelimit-reset-tokens");
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("type").stringValue()).isEqualTo("requests");
        assertThat(error.get("code").stringValue()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("message").stringValue()).contains("try again in 2s");
    }

    @Test
    void namesTheTokensLimitWhenTheFaultSaysSo() {
        HttpResponse<String> response = SimulatorClients.post(
                port, COMPLETIONS, chatBody("gpt-4o", "hi", false), RequestedFault.HEADER, "429;type=tokens");

        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-tokens"))
                .contains("0");
        assertThat(json(response.body()).at("/error/type").stringValue()).isEqualTo("tokens");
    }

    @Test
    void answers5xxWithAnOpenAiServerError() {
        for (int status : new int[] {500, 502, 503, 504}) {
            HttpResponse<String> response = SimulatorClients.post(
                    port,
                    COMPLETIONS,
                    chatBody("gpt-4o", "hi", false),
                    RequestedFault.HEADER,
                    Integer.toString(status));

            assertThat(response.statusCode()).isEqualTo(status);
            JsonNode error = json(response.body()).get("error");
            assertThat(error.get("type").stringValue()).isEqualTo("server_error");
            assertThat(error.get("message").stringValue()).isNotBlank();
        }
    }

    @Test
    void closesTheConnectionWithoutSendingAByteOnReset() {
        String received = RawHttp.postAndReadUntilClosed(
                port, COMPLETIONS, chatBody("gpt-4o", "hi", false), RequestedFault.HEADER + ": reset");

        assertThat(received).isEmpty();
    }

    @Test
    void cutsAStreamMidwayWithoutFinishDoneOrTheLastChunkOfTheBody() {
        String received = RawHttp.postAndReadUntilClosed(
                port,
                COMPLETIONS,
                chatBody("gpt-4o", "one two three four", true),
                RequestedFault.HEADER + ": cut-stream;after-tokens=3");

        assertThat(received).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked");
        assertThat(received.split("data: \\{", -1)).hasSize(4);
        assertThat(received).doesNotContain("finish_reason\":\"", "[DONE]").doesNotEndWith("0\r\n\r\n");
    }

    @Test
    void cutsANonStreamedBodyInTheMiddle() {
        String received = RawHttp.postAndReadUntilClosed(
                port, COMPLETIONS, chatBody("gpt-4o", "hi", false), RequestedFault.HEADER + ": cut-stream");

        assertThat(received)
                .startsWith("HTTP/1.1 200")
                .contains("{\"id\":\"chatcmpl-")
                .doesNotContain("usage");
    }

    @Test
    void sendsA200WhoseBodyIsNotJsonOnMalformedJson() {
        HttpResponse<String> response = SimulatorClients.post(
                port, COMPLETIONS, chatBody("gpt-4o", "hi", false), RequestedFault.HEADER, "malformed-json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).startsWith("{").doesNotEndWith("}");
    }

    @Test
    void rejectsAnInvalidFaultWithABadRequestNamingTheProblem() {
        HttpResponse<String> response = SimulatorClients.post(
                port, COMPLETIONS, chatBody("gpt-4o", "hi", false), RequestedFault.HEADER, "stall-mid-stream;sec=3");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response.body()).get("error");
        assertThat(error.get("code").stringValue()).isEqualTo("invalid_simulator_fault");
        assertThat(error.get("message").stringValue()).contains("unknown parameter 'sec'");
    }
}
