package dev.llmq.worker.llm;

import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import dev.llmq.shared.query.QueryError;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides what an LLM failure means: a stable error code clients can rely on, and whether it is
 * worth retrying (429, 5xx, timeouts and broken connections are; bad requests, auth and unknown models are not).
 */
public final class LlmFailures {

    public static final String BAD_REQUEST = "llm_bad_request";
    public static final String UNAUTHORIZED = "llm_unauthorized";
    public static final String MODEL_NOT_FOUND = "llm_model_not_found";
    public static final String RATE_LIMITED = "llm_rate_limited";
    public static final String SERVER_ERROR = "llm_server_error";
    public static final String TIMEOUT = "llm_timeout";
    public static final String UNREACHABLE = "llm_unreachable";
    public static final String INVALID_RESPONSE = "llm_invalid_response";
    public static final String EMPTY_ANSWER = "llm_empty_answer";
    public static final String STREAM_CUT = "llm_stream_cut";

    private LlmFailures() {}

    public static LlmCallException classify(RuntimeException ex) {
        return switch (ex) {
            case LlmCallException classified -> classified;
            case OpenAIServiceException service -> byStatus(service);
            case OpenAIIoException io
            when io.getCause() instanceof InterruptedIOException ->
                new LlmCallException(new QueryError(TIMEOUT, "the LLM provider did not answer in time"), true, ex);
            case OpenAIIoException io ->
                new LlmCallException(
                        new QueryError(UNREACHABLE, "cannot reach the LLM provider: " + message(io)), true, ex);
            case OpenAIInvalidDataException invalid ->
                new LlmCallException(
                        new QueryError(
                                INVALID_RESPONSE,
                                "the LLM provider sent a response that is not valid: " + message(invalid)),
                        true,
                        ex);
            default -> new LlmCallException(new QueryError(QueryError.LLM_ERROR, message(ex)), false, ex);
        };
    }

    private static LlmCallException byStatus(OpenAIServiceException ex) {
        int status = ex.statusCode();
        String detail = "the LLM provider answered " + status + providerMessage(ex);
        if (status == 429) {
            return new LlmCallException(new QueryError(RATE_LIMITED, detail), true, retryAfter(ex), ex);
        }
        if (status >= 500 || status == 408 || status == 409) {
            return new LlmCallException(new QueryError(SERVER_ERROR, detail), true, retryAfter(ex), ex);
        }
        String code = switch (status) {
            case 401, 403 -> UNAUTHORIZED;
            case 404 -> MODEL_NOT_FOUND;
            default -> BAD_REQUEST;
        };
        return new LlmCallException(new QueryError(code, detail), false, ex);
    }

    /** {@code retry-after-ms}, else {@code retry-after} in seconds or as an HTTP date; null when absent or unusable. */
    static @Nullable Duration retryAfter(OpenAIServiceException failure) {
        try {
            for (String millis : failure.headers().values("retry-after-ms")) {
                return Duration.ofMillis(Math.max(0, (long) Double.parseDouble(millis.trim())));
            }
            for (String value : failure.headers().values("retry-after")) {
                String text = value.trim();
                if (text.matches("\\d+(\\.\\d+)?")) {
                    return Duration.ofMillis((long) (Double.parseDouble(text) * 1000));
                }
                Duration untilDate = Duration.between(
                        Instant.now(),
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return untilDate.isNegative() ? Duration.ZERO : untilDate;
            }
        } catch (RuntimeException ex) {
            return null;
        }
        return null;
    }

    private static String providerMessage(OpenAIServiceException ex) {
        String text = ex.body().toString();
        var matcher = java.util.regex.Pattern.compile("\"?message\"?\\s*[:=]\\s*\"?([^\",}]{1,300})")
                .matcher(text);
        return matcher.find() ? ": " + matcher.group(1).trim() : "";
    }

    private static String message(Throwable ex) {
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }
}
