package dev.llmq.api.query;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.shared.query.ChatMessage;
import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /query}: the seed's {@code {"prompt": "..."}}, or OpenAI-style {@code messages}, with an
 * optional {@code model} and generation options named as in OpenAI's chat completions API, and llmq's own
 * {@code priority} and {@code deadline}.
 */
record SubmitQueryRequest(
        @Nullable String prompt,
        @Nullable List<Message> messages,
        @Nullable String model,
        @JsonProperty("max_tokens") @Nullable Integer maxTokens,
        @Nullable Double temperature,
        @JsonProperty("top_p") @Nullable Double topP,

        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) @Nullable
        List<String> stop,

        @Nullable Long seed,
        @JsonProperty("response_format") @Nullable ResponseFormat responseFormat,
        @Nullable String priority,
        @Nullable String deadline) {

    /** One chat turn as clients send it. */
    record Message(@Nullable String role, @Nullable String content) {}

    /** OpenAI's {@code {"type": "text" | "json_object"}}. */
    record ResponseFormat(@Nullable String type) {}

    /**
     * How the query is to be served: at its {@code priority} (normal by default), and expired unless an LLM call for
     * it starts by {@code deadline} (an RFC 3339 instant, in the future and no later than {@code latest}).
     */
    Submission submission(TenantId tenant, Instant now, Instant latest) {
        Priority level = priority == null ? Priority.NORMAL : Priority.fromWireName(priority);
        return new Submission(tenant, level, deadline == null ? null : deadline(now, latest));
    }

    private Instant deadline(Instant now, Instant latest) {
        Instant parsed;
        try {
            parsed = OffsetDateTime.parse(deadline).toInstant();
        } catch (DateTimeParseException ex) {
            throw new InvalidQueryRequestException(
                    "'deadline' must be an RFC 3339 date-time with an offset, such as 2026-12-01T12:00:00Z");
        }
        if (!parsed.isAfter(now)) {
            throw new InvalidQueryRequestException("'deadline' " + parsed + " has already passed");
        }
        if (parsed.isAfter(latest)) {
            throw new InvalidQueryRequestException(
                    "'deadline' must be no later than " + latest + " (results are kept for LLMQ_API_RESULT_TTL)");
        }
        return parsed;
    }

    /** The validated query; throws {@link InvalidQueryRequestException} saying what is wrong. */
    QueryRequest toQueryRequest() {
        if ((prompt == null) == (messages == null)) {
            throw new InvalidQueryRequestException(
                    prompt == null
                            ? "'prompt' is required (or 'messages')"
                            : "send either 'prompt' or 'messages', not both");
        }
        try {
            List<ChatMessage> turns = prompt != null
                    ? List.of(new ChatMessage(ChatMessage.Role.USER, prompt))
                    : messages.stream().map(SubmitQueryRequest::turn).toList();
            return new QueryRequest(turns, model, options());
        } catch (IllegalArgumentException ex) {
            throw new InvalidQueryRequestException(
                    prompt != null && prompt.isBlank() ? "'prompt' must not be blank" : ex.getMessage());
        }
    }

    private GenerationOptions options() {
        return new GenerationOptions(
                maxTokens,
                temperature,
                topP,
                stop == null ? List.of() : stop,
                seed,
                responseFormat == null
                        ? null
                        : GenerationOptions.ResponseFormat.fromWireName(requireType(responseFormat)));
    }

    private static String requireType(ResponseFormat format) {
        if (format.type() == null) {
            throw new InvalidQueryRequestException("'response_format.type' is required");
        }
        return format.type();
    }

    private static ChatMessage turn(@Nullable Message message) {
        if (message == null || message.role() == null || message.content() == null) {
            throw new InvalidQueryRequestException("each message needs a 'role' and a 'content'");
        }
        return new ChatMessage(ChatMessage.Role.fromWireName(message.role()), message.content());
    }
}
