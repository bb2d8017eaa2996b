package dev.llmq.api.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.api.access.Caller;
import dev.llmq.shared.logging.QueryLogContext;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.redis.QueryControl;
import dev.llmq.shared.redis.ResultStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Reading results: {@code GET /result?id=N[&wait=30s]} and {@code GET /result/stream?id=N}. A query is visible only
 * to its own tenant; to any other it does not exist (404), so ids reveal nothing.
 */
@RestController
class ResultController {

    private final ResultStore store;
    private final QueryControl control;
    private final ResultWaiters waiters;
    private final OwnSubmissions own;
    private final AnswerStreams streams;
    private final ApiProperties properties;
    private final Admission admission;
    private final Clock clock;

    ResultController(
            ResultStore store,
            QueryControl control,
            ResultWaiters waiters,
            OwnSubmissions own,
            AnswerStreams streams,
            ApiProperties properties,
            Admission admission,
            Clock clock) {
        this.store = store;
        this.control = control;
        this.waiters = waiters;
        this.own = own;
        this.streams = streams;
        this.properties = properties;
        this.admission = admission;
        this.clock = clock;
    }

    /** Returns the outcome once terminal, waiting up to {@code wait} for it; 202 with the status if still pending. */
    @Operation(summary = "Read a query's outcome", description = "Waits up to 'wait' for a query still in progress.")
    @ApiResponse(
            responseCode = "200",
            description = "The outcome: succeeded, failed, cancelled or expired",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Outcome")))
    @ApiResponse(
            responseCode = "202",
            description = "Still queued or running",
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = PendingResponse.class)))
    @ApiResponse(
            responseCode = "404",
            description = "No such query for this caller (or its result has expired)",
            content = @Content(mediaType = "application/problem+json"))
    @GetMapping(path = "/result", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> result(
            @Parameter(
                            description = "The id POST /query returned",
                            schema = @Schema(pattern = QueryController.QUERY_ID_PATTERN))
                    @RequestParam("id")
                    String idText,
            @Parameter(
                            description = "How long to wait for the outcome: 30s, 1500ms, 2m or plain seconds; cut to"
                                    + " LLMQ_API_RESULT_WAIT_MAX",
                            schema = @Schema(pattern = "^[0-9]{1,9}(ms|s|m)?$"))
                    @RequestParam(name = "wait", required = false)
                    @Nullable
                    String waitText,
            Caller caller,
            HttpServletRequest request) {
        QueryId id = QueryId.parse(idText);
        Duration wait = WaitParameter.parse(waitText, properties.resultWait(), properties.resultWaitMax());
        long arrived = System.nanoTime();
        try (ResultWaiters.Waiter waiter = waiters.register(id)) {
            // registered first: an outcome published from now on wakes the waiter, one published before is known here
            Optional<OwnSubmissions.Known> known = wait.isZero() ? Optional.empty() : own.known(id, caller.tenant());
            @Nullable QueryLookup lookup;
            if (known.isPresent()) {
                QueryLogContext.identify(id);
                String outcome = known.get().outcome();
                lookup = outcome != null ? new QueryLookup.Completed(outcome, caller.tenant()) : null;
            } else {
                // a place is held while Redis is read, not while the wait is parked; a client willing to wait queues
                lookup = admission.admitted(wait, () -> lookupOwn(id, caller));
            }
            if (lookup == null || lookup instanceof QueryLookup.InProgress && !wait.isZero()) {
                Duration left = wait.minusNanos(System.nanoTime() - arrived);
                Optional<String> published = waiter.await(left.isNegative() ? Duration.ZERO : left);
                lookup = published.isPresent()
                        ? new QueryLookup.Completed(published.get(), caller.tenant())
                        : admission.admitted(() -> lookupOwn(id, caller));
            }
            if (waiters.released()
                    && lookup instanceof QueryLookup.InProgress inProgress
                    && request.getProtocol().startsWith("HTTP/1")) {
                // the replica is stopping: the client's next wait should open a connection to another one
                return ResponseEntity.status(HttpStatus.ACCEPTED)
                        .header(HttpHeaders.CONNECTION, "close")
                        .body(PendingResponse.of(inProgress.state()));
            }
            return respond(id, lookup);
        }
    }

    /**
     * Streams the answer as Server-Sent Events: {@code delta} events with the text as it arrives (each id is the
     * answer's length so far; send it back as {@code Last-Event-ID} to resume), then one {@code outcome} event.
     */
    @Operation(
            summary = "Stream a query's answer",
            description = "Server-Sent Events: 'delta' events with the text as it arrives, then one 'outcome' event.")
    @ApiResponse(
            responseCode = "200",
            description = "The event stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "404",
            description = "No such query for this caller",
            content = @Content(mediaType = "application/problem+json"))
    @GetMapping(path = "/result/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(
            @Parameter(
                            description = "The id POST /query returned",
                            schema = @Schema(pattern = QueryController.QUERY_ID_PATTERN))
                    @RequestParam("id")
                    String idText,
            @Parameter(
                            description = "The id of the last event received, to resume after it",
                            schema = @Schema(pattern = "^[0-9]{1,9}$"))
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    @Nullable
                    String lastEventId,
            Caller caller) {
        QueryId id = QueryId.parse(idText);
        int from = resumeOffset(lastEventId);
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        AnswerStream stream = streams.open(id, from, emitter);
        QueryLookup lookup;
        try {
            lookup = admission.admitted(() -> lookupOwn(id, caller));
        } catch (RuntimeException ex) {
            streams.forget(stream);
            throw ex;
        }
        switch (lookup) {
            case QueryLookup.Completed completed -> stream.onOutcome(completed.json());
            case QueryLookup.InProgress inProgress -> stream.catchUp();
            case QueryLookup.Unknown unknown -> {
                streams.forget(stream);
                throw new QueryNotFoundException(id);
            }
        }
        return emitter;
    }

    /**
     * What Redis holds about the caller's query: another tenant's query looks unknown, and a query still queued past
     * its deadline is ended as expired here, so clients see it even while no worker runs.
     */
    private QueryLookup lookupOwn(QueryId id, Caller caller) {
        QueryLogContext.identify(id);
        return switch (store.lookup(id)) {
            case QueryLookup.Completed completed
            when !completed.tenant().equals(caller.tenant()) -> new QueryLookup.Unknown();
            case QueryLookup.InProgress inProgress
            when !inProgress.tenant().equals(caller.tenant()) -> new QueryLookup.Unknown();
            case QueryLookup.InProgress inProgress
            when expired(inProgress.state()) ->
                new QueryLookup.Completed(control.expire(inProgress.state()).json(), caller.tenant());
            case QueryLookup lookup -> lookup;
        };
    }

    private boolean expired(QueryState state) {
        return state.status() == QueryStatus.QUEUED
                && state.deadline() != null
                && clock.instant().isAfter(state.deadline());
    }

    private static int resumeOffset(@Nullable String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        if (!lastEventId.matches("\\d{1,9}")) {
            throw new InvalidQueryRequestException(
                    "'Last-Event-ID' must be an event id this stream sent (a whole number)");
        }
        return Integer.parseInt(lastEventId);
    }

    /** The body of a 202: the query is accepted and not finished yet. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PendingResponse(
            long id,
            String status,
            @JsonProperty("submitted_at") Instant submittedAt,
            @JsonProperty("started_at") @Nullable Instant startedAt,
            int attempts,
            @Nullable Instant deadline) {

        static PendingResponse of(QueryState state) {
            return new PendingResponse(
                    state.id().value(),
                    state.status().wireName(),
                    state.submittedAt(),
                    state.startedAt(),
                    state.attempts(),
                    state.deadline());
        }
    }

    private static ResponseEntity<?> respond(QueryId id, QueryLookup lookup) {
        return switch (lookup) {
            case QueryLookup.Completed completed ->
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(completed.json());
            case QueryLookup.InProgress inProgress ->
                ResponseEntity.status(HttpStatus.ACCEPTED).body(PendingResponse.of(inProgress.state()));
            case QueryLookup.Unknown unknown -> throw new QueryNotFoundException(id);
        };
    }
}
