package dev.llmq.simulator.chat;

import dev.llmq.simulator.SimulatedAnswers;
import java.util.List;

/** The simulated answer to one request: the tokens to emit, why they end and the usage they cost. */
record Completion(String id, long created, String model, List<String> tokens, FinishReason finishReason, Usage usage) {

    /** The {@code system_fingerprint} of every response. */
    static final String SYSTEM_FINGERPRINT = "llmq-simulator";

    Completion {
        tokens = List.copyOf(tokens);
    }

    /** Answers {@code request} by {@link SimulatedAnswers#answerFor}, cut to its {@code max_tokens} if any. */
    static Completion simulate(ChatRequest request, String id, long created) {
        List<String> answer = Tokens.split(SimulatedAnswers.answerFor(request.lastUserMessage()));
        Long maxTokens = request.maxTokens();
        boolean truncated = maxTokens != null && maxTokens < answer.size();
        List<String> emitted = truncated ? answer.subList(0, maxTokens.intValue()) : answer;
        return new Completion(
                id,
                created,
                request.model(),
                emitted,
                truncated ? FinishReason.LENGTH : FinishReason.STOP,
                Usage.of(request.promptTokens(), emitted.size()));
    }

    /** The emitted text: all tokens joined. */
    String content() {
        return String.join("", tokens);
    }
}
