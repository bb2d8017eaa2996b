package dev.llmq.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.llmq.simulator.control.SimulatorControl;
import dev.llmq.simulator.fault.FaultRule;
import dev.llmq.simulator.fault.FaultRuleStatus;
import dev.llmq.simulator.limit.RateLimits;
import dev.llmq.simulator.requestlog.LoggedRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts simulators the way the standalone module and other modules' tests do: through
 * {@link LlmSimulatorApplication#start}, controlled in-process by {@link SimulatorControl}.
 */
class InProcessStartIT {

    @Test
    void startsAWorkingInstanceOnARandomPortAndClosesCleanly() {
        int port;
        try (ConfigurableApplicationContext context = LlmSimulatorApplication.start(
                "--server.port=0",
                "--llmq.simulator.time-to-first-token=0ms",
                "--llmq.simulator.per-token-delay=0ms",
                "--llmq.simulator.models=local-a,local-b")) {
            port = port(context);
            OpenAIClient client = SimulatorClients.openAi(port);
            try {
                assertThat(client.models().list().data()).extracting(Model::id).containsExactly("local-a", "local-b");
                ChatCompletion completion = client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("local-b")
                                .addUserMessage("ping")
                                .build());
                assertThat(completion.choices().getFirst().message().content())
                        .contains(SimulatedAnswers.answerFor("ping"));
            } finally {
                client.close();
            }
        }

        await().until(() -> refusesConnections(port));
    }

    @Test
    void sleepsAtLeastTheTimeToFirstTokenPassedAsArgument() {
        Duration timeToFirstToken = Duration.ofMillis(300);
        try (ConfigurableApplicationContext context = LlmSimulatorApplication.start(
                "--server.port=0",
                "--llmq.simulator.time-to-first-token=" + timeToFirstToken.toMillis() + "ms",
                "--llmq.simulator.per-token-delay=0ms")) {
            long start = System.nanoTime();
            var response = SimulatorClients.post(
                    port(context),
                    "/v1/chat/completions",
                    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(200);
            // a lower bound only: the server cannot answer before its sleep ends, however slow the machine
            assertThat(elapsed).isGreaterThanOrEqualTo(timeToFirstToken);
        }
    }

    @Test
    void appliesFaultsAndLimitsConfiguredAtStartupAndExposesThemInProcess() {
        try (ConfigurableApplicationContext context = LlmSimulatorApplication.start(
                "--server.port=0",
                "--llmq.simulator.time-to-first-token=0ms",
                "--llmq.simulator.per-token-delay=0ms",
                "--llmq.simulator.faults.rules[0].fault=502",
                "--llmq.simulator.faults.rules[0].count=1",
                "--llmq.simulator.limits.requests-per-window=2",
                "--llmq.simulator.limits.window=1m")) {
            SimulatorControl control = SimulatorControl.of(context);
            assertThat(control.faults()).extracting(FaultRuleStatus::fault).containsExactly("502");
            assertThat(control.limits()).isEqualTo(new RateLimits(2, null, Duration.ofMinutes(1)));

            assertThat(List.of(ask(context, "a"), ask(context, "b"), ask(context, "c")))
                    .containsExactly(502, 200, 429);
            assertThat(control.requests())
                    .extracting(LoggedRequest::lastUserMessage, LoggedRequest::outcome)
                    .containsExactly(tuple("a", "fault:502"), tuple("b", "ok"), tuple("c", "rate_limited"));

            control.setLimits(new RateLimits(null, 1_000L, Duration.ofSeconds(10)));
            control.setFault(FaultRule.times("500", 1));
            control.clearRequests();
            assertThat(List.of(ask(context, "d"), ask(context, "e"))).containsExactly(500, 200);
            assertThat(control.requests()).hasSize(2);

            control.reset();
            assertThat(control.requests()).isEmpty();
            assertThat(control.faults()).isEmpty();
            assertThat(control.limits().isUnlimited()).isTrue();
        }
    }

    private static int ask(ConfigurableApplicationContext context, String prompt) {
        return SimulatorClients.post(
                        port(context), "/v1/chat/completions", SimulatorClients.chatBody("gpt-4o", prompt, false))
                .statusCode();
    }

    private static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    private static boolean refusesConnections(int port) {
        try (Socket socket = new Socket("localhost", port)) {
            return !socket.isConnected();
        } catch (ConnectException ex) {
            return true;
        } catch (IOException ex) {
            return false;
        }
    }
}
