package dev.llmq.api.batch;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.shared.query.ChatMessage;
import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.QueryRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One line of a batch input file as OpenAI defines it: {@code custom_id}, {@code method}, {@code url}, {@code body}. */
record InputLine(
        @JsonProperty("custom_id") @Nullable String customId,
        @Nullable String method,
        @Nullable String url,
        @Nullable ChatBody body) {

    /** The chat completions request body, limited to what llmq's queries carry. */
    record ChatBody(
            @Nullable String model,
            @Nullable List<Message> messages,
            @JsonProperty("max_tokens") @Nullable Integer maxTokens,
            @JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens,
            @Nullable Double temperature,
            @JsonProperty("top_p") @Nullable Double topP,

            @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) @Nullable
            List<String> stop,

            @Nullable Long seed,
            @JsonProperty("response_format") @Nullable ResponseFormat responseFormat) {

        /** The validated query; throws {@link IllegalArgumentException} saying what is wrong. */
        QueryRequest toQueryRequest() {
            if (messages == null || messages.isEmpty()) {
                throw new IllegalArgumentException("'body.messages' must hold at least one message");
            }
            if (maxTokens != null && maxCompletionTokens != null && !maxTokens.equals(maxCompletionTokens)) {
                throw new IllegalArgumentException("send 'max_tokens' or 'max_completion_tokens', not both");
            }
            List<ChatMessage> turns = messages.stream().map(ChatBody::turn).toList();
            GenerationOptions options = new GenerationOptions(
                    maxTokens != null ? maxTokens : maxCompletionTokens,
                    temperature,
                    topP,
                    stop == null ? List.of() : stop,
                    seed,
                    responseFormat == null
                            ? null
                            : GenerationOptions.ResponseFormat.fromWireName(responseFormat.type()));
            return new QueryRequest(turns, model, options);
        }

        private static ChatMessage turn(@Nullable Message message) {
            if (message == null || message.role() == null || message.content() == null) {
                throw new IllegalArgumentException("each message needs a 'role' and a string 'content'");
            }
            return new ChatMessage(ChatMessage.Role.fromWireName(message.role()), message.content());
        }
    }

    /** One chat turn; content as a plain string. */
    record Message(
            @Nullable String role,
            @Nullable String content,
            @Nullable String name) {}

    /** OpenAI's {@code {"type": "text" | "json_object"}}. */
    record ResponseFormat(String type) {}
}
