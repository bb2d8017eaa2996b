package dev.llmq.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.openai.client.OpenAIClient;
import com.openai.errors.NotFoundException;
import com.openai.models.models.Model;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code /v1/models} through the official OpenAI SDK. */
@ZeroLatencySimulatorTest
class ModelsIT {

    @LocalServerPort
    private int port;

    private OpenAIClient client;

    @BeforeEach
    void connect() {
        client = SimulatorClients.openAi(port);
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void listsTheDefaultModels() {
        assertThat(client.models().list().data())
                .extracting(Model::id)
                .containsExactly("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini");
    }

    @Test
    void retrievesAServedModel() {
        Model model = client.models().retrieve("gpt-4o");

        assertThat(model.id()).isEqualTo("gpt-4o");
        assertThat(model.ownedBy()).isEqualTo("llmq-simulator");
    }

    @Test
    void rejectsAnUnknownModelWithNotFound() {
        assertThatExceptionOfType(NotFoundException.class)
                .isThrownBy(() -> client.models().retrieve("gpt-9"))
                .satisfies(ex -> assertThat(ex.code()).contains("model_not_found"));
    }
}
