package dev.llmq.api.query;

import org.jspecify.annotations.Nullable;

/** The body of {@code POST /query}: {@code {"prompt": "..."}}; it refuses to exist without a usable prompt. */
record SubmitQueryRequest(String prompt) {

    SubmitQueryRequest(@Nullable String prompt) {
        if (prompt == null) {
            throw new InvalidQueryRequestException("'prompt' is required");
        }
        if (prompt.isBlank()) {
            throw new InvalidQueryRequestException("'prompt' must not be blank");
        }
        this.prompt = prompt;
    }
}
