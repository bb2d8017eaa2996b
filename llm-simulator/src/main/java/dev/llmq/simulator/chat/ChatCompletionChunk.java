package dev.llmq.simulator.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One server-sent event of a streamed reply: OpenAI's {@code chat.completion.chunk} object. */
@JsonPropertyOrder({"id", "object", "created", "model", "system_fingerprint", "choices", "usage"})
record ChatCompletionChunk(
        String id,
        String object,
        long created,
        String model,
        @JsonProperty("system_fingerprint") String systemFingerprint,
        List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage) {

    /** A chunk carrying one token; the first one also carries the assistant role. */
    static ChatCompletionChunk token(Completion completion, String token, boolean first) {
        Delta delta = new Delta(first ? "assistant" : null, token);
        return of(completion, List.of(new Choice(0, delta, null, null)), null);
    }

    /** The chunk after the last token: an empty delta and the finish reason. */
    static ChatCompletionChunk finish(Completion completion) {
        Delta empty = new Delta(null, null);
        return of(completion, List.of(new Choice(0, empty, null, completion.finishReason())), null);
    }

    /** The last chunk when usage was asked for: no choices, only usage. */
    static ChatCompletionChunk usage(Completion completion) {
        return of(completion, List.of(), completion.usage());
    }

    private static ChatCompletionChunk of(Completion completion, List<Choice> choices, @Nullable Usage usage) {
        return new ChatCompletionChunk(
                completion.id(),
                "chat.completion.chunk",
                completion.created(),
                completion.model(),
                Completion.SYSTEM_FINGERPRINT,
                choices,
                usage);
    }

    /** The single choice of a chunk; {@code logprobs} and, until the end, {@code finish_reason} are {@code null}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"index", "delta", "logprobs", "finish_reason"})
    record Choice(
            int index,
            Delta delta,
            @Nullable Object logprobs,
            @JsonProperty("finish_reason") @Nullable FinishReason finishReason) {}

    /** What a chunk adds to the message; absent fields are left out, so the final delta is {@code {}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"role", "content"})
    record Delta(@Nullable String role, @Nullable String content) {}
}
