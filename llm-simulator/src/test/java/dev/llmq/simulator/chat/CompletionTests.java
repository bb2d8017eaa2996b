package dev.llmq.simulator.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.simulator.SimulatedAnswers;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Which answer a request gets, where {@code max_tokens} cuts it, and what it costs. */
class CompletionTests {

    @Test
    void answersTheLastUserMessage() {
        ChatRequest request = request(
                null,
                new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "first question"),
                new ChatMessage("assistant", "an answer"),
                new ChatMessage("user", "second question"));

        Completion completion = Completion.simulate(request, "id", 0);

        assertThat(completion.content()).isEqualTo(SimulatedAnswers.answerFor("second question"));
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completion.usage()).isEqualTo(new Usage(8, 5, 13));
    }

    @Test
    void truncatesToMaxTokensWithFinishReasonLength() {
        Completion completion = Completion.simulate(request(2L, new ChatMessage("user", "hi there")), "id", 0);

        assertThat(completion.tokens()).containsExactly("Simulated", " answer");
        assertThat(completion.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(completion.usage().completionTokens()).isEqualTo(2);
    }

    @Test
    void stopsNormallyWhenMaxTokensCoversTheAnswer() {
        Completion completion = Completion.simulate(request(5L, new ChatMessage("user", "hi there")), "id", 0);

        assertThat(completion.content()).isEqualTo(SimulatedAnswers.answerFor("hi there"));
        assertThat(completion.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void countsAtLeastOnePromptTokenAndAnswersAnEmptyPromptWithoutUserMessage() {
        Completion completion = Completion.simulate(request(null, new ChatMessage("system", "")), "id", 0);

        assertThat(completion.content()).isEqualTo(SimulatedAnswers.answerFor(""));
        assertThat(completion.usage().promptTokens()).isEqualTo(1);
    }

    @Test
    void costsPromptTokensPlusMaxTokensOrElseTheAnswerLengthAgainstTheTokenLimit() {
        ChatMessage question = new ChatMessage("user", "hi there");

        assertThat(request(10L, question).tokenCost(5)).isEqualTo(2 + 10);
        assertThat(request(null, question).tokenCost(5)).isEqualTo(2 + 5);
        assertThat(request(Long.MAX_VALUE, question).tokenCost(5)).isEqualTo(Long.MAX_VALUE);
    }

    private static ChatRequest request(@Nullable Long maxTokens, ChatMessage... messages) {
        return new ChatRequest("gpt-4o-mini", List.of(messages), maxTokens, false, false);
    }
}
