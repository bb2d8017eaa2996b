package dev.llmq.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts simulators the way the standalone module does: through {@link LlmSimulatorApplication#start}. */
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
