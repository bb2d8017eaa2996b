package dev.llmq.api.system;

import dev.llmq.api.batch.BatchObjectNotFoundException;
import dev.llmq.api.batch.BatchStateConflictException;
import dev.llmq.api.batch.FileTooLargeException;
import dev.llmq.api.batch.InvalidBatchRequestException;
import dev.llmq.api.query.IdempotencyKeyReusedException;
import dev.llmq.api.query.InvalidQueryRequestException;
import dev.llmq.api.query.OverloadedException;
import dev.llmq.api.query.QueryAlreadyEndedException;
import dev.llmq.api.query.QueryNotFoundException;
import dev.llmq.shared.query.InvalidQueryException;
import dev.llmq.shared.query.InvalidQueryIdException;
import dev.llmq.shared.redis.InFlightLimitException;
import dev.llmq.shared.redis.RedisFailures;
import dev.llmq.shared.redis.ReplicaConfirmationException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.redisson.client.RedisException;
import org.redisson.client.RedisResponseTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every failure into an RFC 9457 problem response: bad input says what is wrong (4xx), a lost Redis is a 503
 * the client may retry, and nothing else leaks internals.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    @ExceptionHandler(InvalidQueryRequestException.class)
    ProblemDetail invalidRequest(InvalidQueryRequestException ex) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", ex.getMessage());
    }

    @ExceptionHandler(InvalidQueryException.class)
    ProblemDetail invalidQuery(InvalidQueryException ex) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", ex.getMessage());
    }

    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException ex) {
        return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused", ex.getMessage());
    }

    @ExceptionHandler(QueryAlreadyEndedException.class)
    ProblemDetail alreadyEnded(QueryAlreadyEndedException ex) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, "Query already ended", ex.getMessage());
        problem.setProperty("id", ex.id().value());
        problem.setProperty("outcome", ex.status().wireName());
        return problem;
    }

    @ExceptionHandler(OverloadedException.class)
    ResponseEntity<ProblemDetail> overloadedReply(OverloadedException ex) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(overloaded(ex));
    }

    static ProblemDetail overloaded(OverloadedException ex) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Overloaded", ex.getMessage());
    }

    @ExceptionHandler(InFlightLimitException.class)
    ResponseEntity<ProblemDetail> tooManyInFlight(InFlightLimitException ex) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "Too many queries in flight",
                        "this tenant already has " + ex.limit()
                                + " unfinished queries, its limit; retry when some have finished"));
    }

    @ExceptionHandler(InvalidQueryIdException.class)
    ProblemDetail invalidId(InvalidQueryIdException ex) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid query id", "'id' " + ex.getMessage());
    }

    @ExceptionHandler(QueryNotFoundException.class)
    ProblemDetail notFound(QueryNotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, "Query not found", ex.getMessage());
    }

    @ExceptionHandler(RequestBodyTooLargeException.class)
    ProblemDetail tooLarge(RequestBodyTooLargeException ex) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Request body too large", ex.getMessage());
    }

    @ExceptionHandler(InvalidBatchRequestException.class)
    ProblemDetail invalidBatchRequest(InvalidBatchRequestException ex) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", ex.getMessage());
    }

    @ExceptionHandler(BatchObjectNotFoundException.class)
    ProblemDetail batchObjectNotFound(BatchObjectNotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, "Not found", ex.getMessage());
    }

    @ExceptionHandler(BatchStateConflictException.class)
    ProblemDetail batchStateConflict(BatchStateConflictException ex) {
        return problem(HttpStatus.CONFLICT, "Batch state conflict", ex.getMessage());
    }

    @ExceptionHandler(FileTooLargeException.class)
    ProblemDetail fileTooLarge(FileTooLargeException ex) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "File too large", ex.getMessage());
    }

    @ExceptionHandler(MultipartException.class)
    ProblemDetail badMultipart(MultipartException ex) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", "the body is not valid multipart/form-data");
    }

    @ExceptionHandler(RequestBodyTimeoutException.class)
    ResponseEntity<ProblemDetail> tooSlow(RequestBodyTimeoutException ex) {
        return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT)
                .header(HttpHeaders.CONNECTION, "close")
                .body(problem(HttpStatus.REQUEST_TIMEOUT, "Request body too slow", ex.getMessage()));
    }

    /**
     * Tomcat reads the query string only when a parameter is first asked for, and throws this there for one it cannot
     * decode ({@code ?%id=1}: a {@code %} without two hex digits); its error code says which 4xx it is.
     */
    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail malformedParameters(InvalidParameterException ex) {
        HttpStatus status = HttpStatus.resolve(ex.getErrorCode());
        return problem(
                status != null && status.is4xxClientError() ? status : HttpStatus.BAD_REQUEST,
                "Invalid request",
                "the request's parameters cannot be read: each '%' must be followed by two hex digits");
    }

    /**
     * Redis did not serve the request: 503. Whether anything took effect depends on how it failed: a command that never
     * reached Redis (no connection, none free in time) did nothing, but one sent without an answer in time may have
     * run, so the problem says so instead of promising that nothing was accepted.
     */
    @ExceptionHandler(RedisException.class)
    ResponseEntity<ProblemDetail> redisUnavailable(RedisException ex) {
        log.warn("Redis is unavailable: {}", RedisFailures.describe(ex));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Queue unavailable", unavailableDetail(ex)));
    }

    private static String unavailableDetail(RedisException ex) {
        if (ex instanceof ReplicaConfirmationException) {
            return "Redis stored this request, but no replica confirmed it in time, so a failover could still lose"
                    + " it; it may or may not take effect. Retry shortly (with the same Idempotency-Key, a retried"
                    + " POST /query cannot enqueue twice).";
        }
        return sentWithoutAnswer(ex)
                ? "Redis did not answer llmq in time; this request may or may not have taken effect. Retry shortly"
                        + " (with the same Idempotency-Key, a retried POST /query cannot enqueue twice)."
                : "llmq cannot reach Redis right now; nothing was accepted by this request. Retry shortly.";
    }

    private static boolean sentWithoutAnswer(Throwable ex) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisResponseTimeoutException) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception ex) {
        log.error("Unexpected failure", ex);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "An unexpected error occurred.");
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = ex.getCause();
        while (cause != null) {
            if (cause instanceof RequestBodyTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(tooLarge(tooLarge));
            }
            if (cause instanceof RequestBodyTimeoutException slow) {
                return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT)
                        .header(HttpHeaders.CONNECTION, "close")
                        .body(tooSlow(slow).getBody());
            }
            if (cause instanceof InvalidQueryRequestException invalid) {
                return ResponseEntity.badRequest().body(invalidRequest(invalid));
            }
            cause = cause.getCause();
        }
        return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "Invalid request", describe(ex)));
    }

    private static String describe(HttpMessageNotReadableException ex) {
        return switch (ex.getCause()) {
            case UnrecognizedPropertyException unknown -> "unknown field '" + unknown.getPropertyName() + "'";
            case MismatchedInputException mismatch
            when !mismatch.getPath().isEmpty() ->
                "'" + field(mismatch) + "' has the wrong type (expected " + typeName(mismatch.getTargetType()) + ")";
            case DatabindException databind -> "the body is not a valid query: " + databind.getOriginalMessage();
            case JacksonException jackson
            when !jackson.getPath().isEmpty() ->
                "'" + field(jackson) + "' is not valid: " + jackson.getOriginalMessage();
            case JacksonException jackson -> "malformed JSON: " + jackson.getOriginalMessage();
            case null -> "a JSON body is required";
            default -> "the body is not readable JSON";
        };
    }

    /** The JSON path of the offending value as a client would write it: {@code messages[0].content}. */
    private static String field(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String typeName(@Nullable Class<?> type) {
        if (type == null) {
            return "another type";
        }
        return type == String.class ? "a string" : type.getSimpleName();
    }

    /**
     * Writes {@code problem} from a servlet filter, where no exception handler or body advice runs: its status, the
     * problem JSON content type, and OpenAI's {@code error} member under {@code /v1/}. Headers are the caller's.
     */
    static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem, JsonMapper json)
            throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (request.getRequestURI().startsWith("/v1/")) {
            OpenAiErrorMember.addTo(problem);
        }
        json.writeValue(response.getOutputStream(), problem);
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("about:blank"));
        return problem;
    }
}
