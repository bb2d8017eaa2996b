package dev.llmq.shared.query;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the LLM should generate, as the client asked; an absent value leaves the provider's default. Ranges follow
 * OpenAI's API.
 */
public record GenerationOptions(
        @Nullable Integer maxTokens,
        @Nullable Double temperature,
        @Nullable Double topP,
        List<String> stop,
        @Nullable Long seed,
        @Nullable ResponseFormat responseFormat) {

    public static final GenerationOptions DEFAULTS = new GenerationOptions(null, null, null, List.of(), null, null);

    public GenerationOptions {
        if (maxTokens != null && (maxTokens < 1 || maxTokens > 1_000_000)) {
            throw new InvalidQueryException("'max_tokens' must be between 1 and 1000000; got " + maxTokens);
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new InvalidQueryException("'temperature' must be between 0 and 2; got " + temperature);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new InvalidQueryException("'top_p' must be greater than 0 and at most 1; got " + topP);
        }
        if (stop.stream().anyMatch(Objects::isNull)) {
            // JSON's [null] reaches here as a null element, which List.copyOf would answer with a NullPointerException
            throw new InvalidQueryException("each 'stop' sequence must be a string");
        }
        stop = List.copyOf(stop);
        if (stop.size() > 4) {
            throw new InvalidQueryException("'stop' takes at most 4 sequences; got " + stop.size());
        }
        for (String sequence : stop) {
            if (sequence.isEmpty() || sequence.length() > 256) {
                throw new InvalidQueryException("each 'stop' sequence must have 1 to 256 characters");
            }
        }
    }

    /** The output format the client asked for. */
    public enum ResponseFormat {
        TEXT("text"),
        JSON_OBJECT("json_object");

        private final String wireName;

        ResponseFormat(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static ResponseFormat fromWireName(String name) {
            for (ResponseFormat format : values()) {
                if (format.wireName.equals(name)) {
                    return format;
                }
            }
            throw new InvalidQueryException("'response_format.type' must be 'text' or 'json_object'");
        }
    }
}
