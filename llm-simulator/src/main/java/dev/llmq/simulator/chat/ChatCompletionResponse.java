package dev.llmq.simulator.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The non-streaming reply: OpenAI's {@code chat.completion} object. */
@JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "system_fingerprint"})
record ChatCompletionResponse(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        Usage usage,
        @JsonProperty("system_fingerprint") String systemFingerprint) {

    static ChatCompletionResponse of(Completion completion) {
        Message message = new Message("assistant", completion.content(), null);
        return new ChatCompletionResponse(
                completion.id(),
                "chat.completion",
                completion.created(),
                completion.model(),
                List.of(new Choice(0, message, null, completion.finishReason())),
                completion.usage(),
                Completion.SYSTEM_FINGERPRINT);
    }

    /** The single choice; {@code logprobs} is always {@code null}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"index", "message", "logprobs", "finish_reason"})
    record Choice(
            int index,
            Message message,
            @Nullable Object logprobs,
            @JsonProperty("finish_reason") FinishReason finishReason) {}

    /** The assistant's message; {@code refusal} is always {@code null}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"role", "content", "refusal"})
    record Message(String role, String content, @Nullable String refusal) {}
}
