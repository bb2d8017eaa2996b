package dev.llmq.api.batch;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The body of {@code POST /v1/batches}, as OpenAI defines it. */
record CreateBatchRequest(
        @JsonProperty("input_file_id") @Nullable String inputFileId,
        @Nullable String endpoint,
        @JsonProperty("completion_window") @Nullable String completionWindow,
        @Nullable Map<String, String> metadata,
        @JsonProperty("output_expires_after") @Nullable Map<String, Object> outputExpiresAfter) {

    private static final int MAX_METADATA = 16;

    /** Throws {@link InvalidBatchRequestException} saying what is wrong. */
    void validate() {
        if (inputFileId == null) {
            throw new InvalidBatchRequestException("'input_file_id' is required");
        }
        ObjectIds.requireFileId(inputFileId, "input_file_id");
        if (!BatchInput.CHAT_COMPLETIONS.equals(endpoint)) {
            throw new InvalidBatchRequestException("'endpoint' must be " + BatchInput.CHAT_COMPLETIONS);
        }
        if (!Batches.COMPLETION_WINDOW.equals(completionWindow)) {
            throw new InvalidBatchRequestException("'completion_window' must be " + Batches.COMPLETION_WINDOW);
        }
        if (metadata != null) {
            if (metadata.size() > MAX_METADATA) {
                throw new InvalidBatchRequestException("'metadata' holds at most 16 pairs");
            }
            metadata.forEach((key, value) -> {
                if (key.length() > 64 || value == null || value.length() > 512) {
                    throw new InvalidBatchRequestException(
                            "'metadata' keys have at most 64 characters and values are strings of at most 512");
                }
            });
        }
    }

    @Override
    public String inputFileId() {
        return inputFileId == null ? "" : inputFileId;
    }

    @Override
    public String endpoint() {
        return endpoint == null ? "" : endpoint;
    }
}
