package dev.llmq.simulator.error;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/** A failure reported to the client as an OpenAI-style error body with the given HTTP status. */
public final class OpenAiApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** OpenAI's error type for every client mistake. */
    static final String INVALID_REQUEST_ERROR = "invalid_request_error";

    private final HttpStatus status;
    private final String type;
    private final @Nullable String param;
    private final @Nullable String code;

    private OpenAiApiException(
            HttpStatus status, String message, String type, @Nullable String param, @Nullable String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** A 400 {@code invalid_request_error}, e.g. a malformed body or a missing parameter. */
    public static OpenAiApiException invalidRequest(String message, @Nullable String param, @Nullable String code) {
        return new OpenAiApiException(HttpStatus.BAD_REQUEST, message, INVALID_REQUEST_ERROR, param, code);
    }

    /** A 404 {@code model_not_found}, worded as OpenAI words it. */
    public static OpenAiApiException modelNotFound(String model) {
        return new OpenAiApiException(
                HttpStatus.NOT_FOUND,
                "The model `" + model + "` does not exist or you do not have access to it.",
                INVALID_REQUEST_ERROR,
                null,
                "model_not_found");
    }

    /** The HTTP status of the error response. */
    public HttpStatus status() {
        return status;
    }

    /** The body sent to the client. */
    ErrorBody body() {
        return ErrorBody.of(getMessage(), type, param, code);
    }
}
