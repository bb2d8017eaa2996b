package dev.llmq.api.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.llmq.api.access.Caller;
import dev.llmq.shared.logging.QueryLogContext;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.redis.QueryControl;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Submitting and cancelling queries: {@code POST /query} (seed-compatible, with an optional {@code Idempotency-Key})
 * and {@code DELETE /query?id=N}.
 */
@RestController
class QueryController {

    private static final Logger log = LoggerFactory.getLogger(QueryController.class);

    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    /** What {@code QueryId.parse} accepts, for the OpenAPI document. */
    static final String QUERY_ID_PATTERN = "^[0-9]{1,18}$";

    private final SubmittedQueries submitted;
    private final QueryControl control;
    private final ApiProperties properties;
    private final Clock clock;

    QueryController(SubmittedQueries submitted, QueryControl control, ApiProperties properties, Clock clock) {
        this.submitted = submitted;
        this.control = control;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Accepts a query: it is on the stream before this returns. A repeat with the same {@code Idempotency-Key} and body
     * within the window returns the first call's id (with {@code Idempotent-Replayed: true}) and enqueues nothing.
     */
    @Operation(summary = "Submit a query", description = "The query is on the queue when this returns.")
    @ApiResponse(
            responseCode = "200",
            description = "Accepted; poll GET /result or stream GET /result/stream with the id",
            headers =
                    @Header(
                            name = IDEMPOTENT_REPLAYED,
                            description = "true when an earlier call with the same Idempotency-Key created the query",
                            schema = @Schema(type = "boolean")))
    @ApiResponse(
            responseCode = "422",
            description = "The Idempotency-Key was already used with a different request",
            content = @Content(mediaType = "application/problem+json"))
    @PostMapping(
            path = "/query",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SubmitQueryResponse> submit(
            @RequestBody SubmitQueryRequest request,
            @Parameter(
                            description = "Makes retries safe: a repeat within LLMQ_API_IDEMPOTENCY_WINDOW returns the"
                                    + " first call's id and enqueues nothing. 1-255 printable ASCII characters.",
                            schema = @Schema(maxLength = 255))
                    @RequestHeader(name = "Idempotency-Key", required = false)
                    @Nullable
                    String idempotencyKey,
            Caller caller) {
        QueryRequest query = request.toQueryRequest();
        properties.requireAllowed(query.model());
        Instant now = clock.instant();
        Submission submission = request.submission(caller.tenant(), now, now.plus(properties.resultTtl()));
        SubmittedQueries.Accepted accepted = submitted.submit(query, submission, caller, idempotencyKey);
        QueryLogContext.identify(accepted.id());
        log.info(
                "query={} {} (priority {})",
                accepted.id(),
                accepted.replayed() ? "repeated with its Idempotency-Key: nothing enqueued" : "accepted",
                submission.priority().wireName());
        return ResponseEntity.ok()
                .header(IDEMPOTENT_REPLAYED, Boolean.toString(accepted.replayed()))
                .body(new SubmitQueryResponse(
                        "Query received", accepted.id().value(), accepted.replayed() ? null : "queued"));
    }

    /** The seed's {@code {"message":"Query received","id":N}}, plus the status of a query created now. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SubmitQueryResponse(
            String message, long id, @Nullable String status) {}

    /**
     * Cancels a queued or running query: it ends {@code cancelled} and a call in progress is aborted. Returns the
     * cancelled outcome; 409 with the outcome if the query had already ended.
     */
    @Operation(summary = "Cancel a query", description = "A queued query never runs; a running LLM call is aborted.")
    @ApiResponse(
            responseCode = "200",
            description = "The cancelled outcome",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Outcome")))
    @ApiResponse(
            responseCode = "404",
            description = "No such query for this caller",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "409",
            description = "The query had already ended; the problem names its outcome",
            content = @Content(mediaType = "application/problem+json"))
    @DeleteMapping(path = "/query", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> cancel(
            @Parameter(description = "The id POST /query returned", schema = @Schema(pattern = QUERY_ID_PATTERN))
                    @RequestParam("id")
                    String idText,
            Caller caller) {
        QueryId id = QueryId.parse(idText);
        QueryLogContext.identify(id);
        return switch (control.cancel(id, caller.tenant())) {
            case QueryControl.CancelResult.Cancelled cancelled ->
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(cancelled.json());
            case QueryControl.CancelResult.AlreadyEnded ended ->
                throw new QueryAlreadyEndedException(
                        id, ProtocolJson.decodeOutcome(ended.json()).status());
            case QueryControl.CancelResult.NotFound notFound -> throw new QueryNotFoundException(id);
        };
    }
}
