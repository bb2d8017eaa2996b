package dev.llmq.shared.query;

import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a client asks the LLM: the conversation, optionally a model (else the worker's default), and generation
 * options. It validates itself, so an accepted query is always one the worker can send.
 */
public record QueryRequest(
        List<ChatMessage> messages, @Nullable String model, GenerationOptions options) {

    /** Most turns one query may carry. */
    public static final int MAX_MESSAGES = 1_000;

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

    public QueryRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new InvalidQueryException("'messages' must hold at least one message");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new InvalidQueryException("'messages' holds at most " + MAX_MESSAGES + " messages");
        }
        if (messages.stream().noneMatch(message -> message.role() == ChatMessage.Role.USER)) {
            throw new InvalidQueryException("'messages' must include a user message");
        }
        if (model != null && !MODEL_NAME.matcher(model).matches()) {
            throw new InvalidQueryException("'model' must be 1-128 letters, digits or . _ : / @ -");
        }
    }

    /** The seed's form: one user prompt, default model and options. */
    public static QueryRequest ofPrompt(String prompt) {
        return new QueryRequest(
                List.of(new ChatMessage(ChatMessage.Role.USER, prompt)), null, GenerationOptions.DEFAULTS);
    }

    /** The last user message: the prompt, in the seed's terms. */
    public String prompt() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER) {
                return messages.get(i).content();
            }
        }
        throw new IllegalStateException("a query request always has a user message");
    }

    /** Characters across all messages, for estimating tokens. */
    public long contentLength() {
        return messages.stream()
                .mapToLong(message -> message.content().length())
                .sum();
    }
}
