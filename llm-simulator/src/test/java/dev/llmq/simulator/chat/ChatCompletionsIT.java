package dev.llmq.simulator.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.llmq.simulator.SimulatedAnswers;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Chat completions through the official OpenAI SDK, plain and streamed, as workers make them. */
@ZeroLatencySimulatorTest
class ChatCompletionsIT {

    private static final String PROMPT = "What is the capital of France?";

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
    void answersWithTheSimulatedAnswerUsageAndFinishReasonStop() {
        ChatCompletion completion = client.chat()
                .completions()
                .create(params("gpt-4o-mini").addSystemMessage("Be brief.").build());

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains(SimulatedAnswers.answerFor(PROMPT));
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.id()).startsWith("chatcmpl-");
        assertThat(completion.model()).isEqualTo("gpt-4o-mini");
        CompletionUsage usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(8);
        assertThat(usage.completionTokens()).isEqualTo(9);
        assertThat(usage.totalTokens()).isEqualTo(17);
    }

    @Test
    void streamsDeltasThatConcatenateToTheAnswerAndEndsWithUsage() {
        ChatCompletionCreateParams params = params("gpt-4o")
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            chunks = stream.stream().toList();
        }

        String answer = SimulatedAnswers.answerFor(PROMPT);
        assertThat(text(chunks)).isEqualTo(answer);
        assertThat(chunks).hasSize(answer.split(" ").length + 2);
        assertThat(chunks.getFirst().choices().getFirst().delta().role())
                .contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason()).contains(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.completionTokens()).isEqualTo(9);
            assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + 9);
        });
    }

    @Test
    void truncatesAtMaxTokensWithFinishReasonLength() {
        ChatCompletion completion =
                client.chat().completions().create(params("gpt-4o").maxTokens(3).build());

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertThat(choice.message().content()).contains("Simulated answer to:");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
    }

    @Test
    void truncatesAStreamAtMaxCompletionTokens() {
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat()
                .completions()
                .createStreaming(params("gpt-4.1-mini").maxCompletionTokens(2).build())) {
            chunks = stream.stream().toList();
        }

        assertThat(text(chunks)).isEqualTo("Simulated answer");
        assertThat(chunks.getLast().choices().getFirst().finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.LENGTH);
        assertThat(chunks.getLast().usage()).isEmpty();
    }

    @Test
    void answersTheTextPartsOfArrayContent() {
        ChatCompletionContentPart part = ChatCompletionContentPart.ofText(
                ChatCompletionContentPartText.builder().text(PROMPT).build());
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini")
                .addUserMessageOfArrayOfContentParts(List.of(part))
                .build();

        ChatCompletion completion = client.chat().completions().create(params);

        assertThat(completion.choices().getFirst().message().content()).contains(SimulatedAnswers.answerFor(PROMPT));
    }

    @Test
    void rejectsAnUnknownModelWithNotFound() {
        assertThatExceptionOfType(NotFoundException.class)
                .isThrownBy(
                        () -> client.chat().completions().create(params("gpt-9").build()))
                .satisfies(ex -> assertThat(ex.statusCode()).isEqualTo(404))
                .satisfies(ex -> assertThat(ex.code()).contains("model_not_found"));
    }

    private static ChatCompletionCreateParams.Builder params(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(PROMPT);
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        return chunks.stream()
                .flatMap(chunk -> chunk.choices().stream())
                .map(choice -> choice.delta().content().orElse(""))
                .collect(Collectors.joining());
    }
}
