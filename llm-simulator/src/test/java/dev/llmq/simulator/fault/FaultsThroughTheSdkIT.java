package dev.llmq.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmq.simulator.SimulatedAnswers;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import dev.llmq.simulator.control.SimulatorControl;
import dev.llmq.simulator.requestlog.LoggedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Each fault as a worker sees it through the official SDK (no retries, a 500 ms timeout): the exception it raises,
 * or how a stream ends; stalls are cut by the client's timeout and the simulator sees the disconnect.
 */
@ZeroLatencySimulatorTest
class FaultsThroughTheSdkIT {

    private static final Duration CLIENT_TIMEOUT = Duration.ofMillis(500);

    @LocalServerPort
    private int port;

    @Autowired
    private SimulatorControl control;

    private OpenAIClient client;

    /** Whether this JVM's SDK has made its first request. */
    private static boolean warmedUp;

    @BeforeEach
    void connect() {
        control.reset();
        if (!warmedUp) {
            // the SDK's first request in a JVM loads and links most of it: over 500 ms on a busy machine
            OpenAIClient patient = SimulatorClients.openAi(port, Duration.ofSeconds(30));
            try {
                patient.chat().completions().create(params("warm up").build());
            } finally {
                patient.close();
            }
            warmedUp = true;
            control.reset();
        }
        client = SimulatorClients.openAi(port, CLIENT_TIMEOUT);
    }

    @AfterEach
    void disconnect() {
        client.close();
        control.reset();
    }

    @Test
    void raisesRateLimitExceptionWithARetryAfterTheClientCanRead() {
        assertThatExceptionOfType(RateLimitException.class)
                .isThrownBy(() -> create(params("hi").putAdditionalHeader(RequestedFault.HEADER, "429;retry-after=2")))
                .satisfies(ex -> {
                    assertThat(ex.statusCode()).isEqualTo(429);
                    assertThat(ex.headers().values("retry-after")).containsExactly("2");
                    assertThat(ex.code()).contains("rate_limit_exceeded");
                    assertThat(ex.type()).contains("requests");
                });
    }

    @Test
    void raisesInternalServerExceptionFor5xx() {
        for (String status : List.of("500", "502", "503")) {
            assertThatExceptionOfType(InternalServerException.class)
                    .isThrownBy(() -> create(params("hi").putAdditionalHeader(RequestedFault.HEADER, status)))
                    .satisfies(ex -> assertThat(ex.statusCode()).isEqualTo(Integer.parseInt(status)))
                    .satisfies(ex -> assertThat(ex.type()).contains("server_error"));
        }
    }

    @Test
    void raisesAnIoExceptionOnReset() {
        assertThatExceptionOfType(OpenAIIoException.class)
                .isThrownBy(() -> create(params("hi").putAdditionalHeader(RequestedFault.HEADER, "reset")));
    }

    @Test
    void raisesInvalidDataOnMalformedJson() {
        assertThatExceptionOfType(OpenAIInvalidDataException.class)
                .isThrownBy(() -> create(params("hi").putAdditionalHeader(RequestedFault.HEADER, "malformed-json")));
    }

    @Test
    void raisesInvalidDataOnAMalformedStreamedChunk() {
        assertThatExceptionOfType(OpenAIInvalidDataException.class)
                .isThrownBy(() -> stream(
                        params("hi").putAdditionalHeader(RequestedFault.HEADER, "malformed-json"), new ArrayList<>()));
    }

    @Test
    void endsACutStreamWithAnIoErrorAfterItsTokensAndNoFinishReason() {
        List<ChatCompletionChunk> received = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> stream(
                params("one two three four").putAdditionalHeader(RequestedFault.HEADER, "cut-stream;after-tokens=3"),
                received));

        assertThat(thrown).isInstanceOf(OpenAIIoException.class);
        assertThat(received)
                .hasSize(3)
                .allSatisfy(chunk ->
                        assertThat(chunk.choices().getFirst().finishReason()).isEmpty());
    }

    @Test
    void letsTheClientTimeoutCutAStallBeforeTheFirstByteAndLogsTheDisconnect() {
        long start = System.nanoTime();
        assertThatExceptionOfType(OpenAIIoException.class)
                .isThrownBy(() -> create(params("stalled")
                        .putAdditionalHeader(RequestedFault.HEADER, "stall-before-first-byte;seconds=3")));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

        LoggedRequest logged = awaitDisconnected();
        assertThat(logged.outcome()).isEqualTo("fault:stall-before-first-byte");
        assertThat(logged.fault()).isEqualTo("stall-before-first-byte;seconds=3");
    }

    @Test
    void letsTheClientTimeoutCutAStallMidStreamAfterItsTokensAndLogsTheDisconnect() {
        List<ChatCompletionChunk> received = new ArrayList<>();
        Throwable thrown = catchThrowable(() -> stream(
                params("one two three four")
                        .putAdditionalHeader(RequestedFault.HEADER, "stall-mid-stream;after-tokens=3;seconds=3"),
                received));

        assertThat(thrown).isInstanceOf(OpenAIIoException.class);
        assertThat(received).hasSize(3);
        LoggedRequest logged = awaitDisconnected();
        assertThat(logged.completionTokens()).isEqualTo(3);
        assertThat(logged.statusCode()).isEqualTo(200);
    }

    @Test
    void slowsTheStreamToTheGivenDelayPerToken() {
        long start = System.nanoTime();
        List<ChatCompletionChunk> received = new ArrayList<>();
        stream(
                params("x").maxTokens(3).putAdditionalHeader(RequestedFault.HEADER, "slow-stream;per-token=150ms"),
                received);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(received.getLast().choices().getFirst().finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.LENGTH);
    }

    @Test
    void appliesAFaultMarkedInThePrompt() {
        assertThatExceptionOfType(InternalServerException.class)
                .isThrownBy(() -> create(params("please fail [[fault:503]] now")))
                .satisfies(ex -> assertThat(ex.statusCode()).isEqualTo(503));
        assertThatExceptionOfType(RateLimitException.class)
                .isThrownBy(() -> create(params("[[fault: 429 ; retry-after=4 ]]")))
                .satisfies(ex -> assertThat(ex.headers().values("retry-after")).containsExactly("4"));
    }

    @Test
    void answersVerbatimWhenThePromptMarkerFaultLetsTheReplyThrough() {
        String prompt = "hello [[fault:slow-stream;per-token=1ms]]";

        ChatCompletion completion = create(params(prompt));

        assertThat(completion.choices().getFirst().message().content()).contains(SimulatedAnswers.answerFor(prompt));
    }

    @Test
    void letsTheHeaderOverrideThePromptAndNoneOverrideTheRunWideRules() {
        control.addFault(FaultRule.always("503"));

        ChatCompletion completion = create(params("[[fault:500]]").putAdditionalHeader(RequestedFault.HEADER, "none"));

        assertThat(completion.choices()).hasSize(1);
        assertThatExceptionOfType(InternalServerException.class)
                .isThrownBy(() -> create(params("hi")))
                .satisfies(ex -> assertThat(ex.statusCode()).isEqualTo(503));
    }

    @Test
    void rejectsAnInvalidPromptMarkerAsABadRequest() {
        assertThatExceptionOfType(BadRequestException.class)
                .isThrownBy(() -> create(params("[[fault:418]]")))
                .satisfies(ex -> assertThat(ex.code()).contains("invalid_simulator_fault"));
    }

    private ChatCompletion create(ChatCompletionCreateParams.Builder params) {
        return client.chat().completions().create(params.build());
    }

    private void stream(ChatCompletionCreateParams.Builder params, List<ChatCompletionChunk> received) {
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params.build())) {
            stream.stream().forEach(received::add);
        }
    }

    private LoggedRequest awaitDisconnected() {
        await().atMost(Duration.ofSeconds(2))
                .until(() -> control.requests().stream().anyMatch(LoggedRequest::clientDisconnected));
        return control.requests().getLast();
    }

    private static ChatCompletionCreateParams.Builder params(String prompt) {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage(prompt);
    }
}
