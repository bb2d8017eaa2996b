package dev.llmq.simulator.chat;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a validated chat completion request that the simulator acts on.
 *
 * @param maxTokens {@code max_completion_tokens}, else {@code max_tokens}; {@code null} means no limit
 */
record ChatRequest(
        String model, List<ChatMessage> messages, @Nullable Long maxTokens, boolean stream, boolean includeUsage) {

    ChatRequest {
        messages = List.copyOf(messages);
    }

    /** The text of the last {@code user} message, or the empty string when there is none. */
    String lastUserMessage() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).isUser()) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    /**
     * The tokens this request counts for against the tokens limit, reckoned up front as OpenAI does: its prompt
     * tokens plus its {@code max_tokens} when set, else plus the {@code completionTokens} of its answer.
     */
    long tokenCost(int completionTokens) {
        long completion = maxTokens != null ? maxTokens : completionTokens;
        int prompt = promptTokens();
        return completion > Long.MAX_VALUE - prompt ? Long.MAX_VALUE : prompt + completion;
    }

    /** Whitespace-separated words across all messages' text, at least 1. */
    int promptTokens() {
        int words = messages.stream()
                .mapToInt(message -> Tokens.count(message.text()))
                .sum();
        return Math.max(1, words);
    }
}
