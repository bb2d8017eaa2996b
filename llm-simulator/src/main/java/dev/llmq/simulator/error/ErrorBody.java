package dev.llmq.simulator.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** OpenAI's error envelope: {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}. */
record ErrorBody(Detail error) {

    static ErrorBody of(@Nullable String message, String type, @Nullable String param, @Nullable String code) {
        return new ErrorBody(new Detail(message == null ? "" : message, type, param, code));
    }

    /** The error itself; {@code param} and {@code code} are written as {@code null} when absent, as OpenAI does. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Detail(
            String message,
            String type,
            @Nullable String param,
            @Nullable String code) {}
}
