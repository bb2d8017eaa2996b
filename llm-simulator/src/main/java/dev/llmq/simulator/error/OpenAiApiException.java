package dev.llmq.simulator.error;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

/** A failure reported to the client as an OpenAI-style error body with the given HTTP status and extra headers. */
public final class OpenAiApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** OpenAI's error type for every client mistake. */
    static final String INVALID_REQUEST_ERROR = "invalid_request_error";

    /** OpenAI's error type for its own failures. */
    static final String SERVER_ERROR = "server_error";

    private final HttpStatusCode status;
    private final String type;
    private final @Nullable String param;
    private final @Nullable String code;
    private final transient HttpHeaders headers;

    private OpenAiApiException(
            HttpStatusCode status,
            String message,
            String type,
            @Nullable String param,
            @Nullable String code,
            Map<String, String> headers) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = new HttpHeaders();
        headers.forEach(this.headers::set);
    }

    /** A 400 {@code invalid_request_error}, e.g. a malformed body or a missing parameter. */
    public static OpenAiApiException invalidRequest(String message, @Nullable String param, @Nullable String code) {
        return new OpenAiApiException(HttpStatus.BAD_REQUEST, message, INVALID_REQUEST_ERROR, param, code, Map.of());
    }

    /** A 404 {@code model_not_found}, worded as OpenAI words it. */
    public static OpenAiApiException modelNotFound(String model) {
        return new OpenAiApiException(
                HttpStatus.NOT_FOUND,
                "The model `" + model + "` does not exist or you do not have access to it.",
                INVALID_REQUEST_ERROR,
                null,
                "model_not_found",
                Map.of());
    }

    /**
     * A 429 {@code rate_limit_exceeded} whose {@code type} is the exhausted limit ({@code requests} or
     * {@code tokens}), sent with {@code headers} (Retry-After, x-ratelimit-*).
     */
    public static OpenAiApiException rateLimited(String message, String type, Map<String, String> headers) {
        return new OpenAiApiException(
                HttpStatus.TOO_MANY_REQUESTS, message, type, null, "rate_limit_exceeded", headers);
    }

    /** A 5xx {@code server_error} with {@code status}, sent with {@code headers}. */
    public static OpenAiApiException serverError(int status, String message, Map<String, String> headers) {
        return new OpenAiApiException(HttpStatusCode.valueOf(status), message, SERVER_ERROR, null, null, headers);
    }

    /** The HTTP status of the error response. */
    public HttpStatusCode status() {
        return status;
    }

    /** Headers to send with the error response. */
    HttpHeaders headers() {
        return headers;
    }

    /** The body sent to the client. */
    ErrorBody body() {
        return ErrorBody.of(getMessage(), type, param, code);
    }
}
