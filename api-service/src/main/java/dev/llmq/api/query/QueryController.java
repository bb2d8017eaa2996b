package dev.llmq.api.query;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.redis.QueryQueue;
import dev.llmq.shared.redis.ResultStore;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The seed-compatible HTTP contract: {@code POST /query} and {@code GET /result?id=N[&wait=30s]}. */
@RestController
class QueryController {

    private final QueryQueue queue;
    private final ResultStore store;
    private final ResultWaiters waiters;
    private final AnswerStreams streams;
    private final ApiProperties properties;

    QueryController(
            QueryQueue queue,
            ResultStore store,
            ResultWaiters waiters,
            AnswerStreams streams,
            ApiProperties properties) {
        this.queue = queue;
        this.store = store;
        this.waiters = waiters;
        this.streams = streams;
        this.properties = properties;
    }

    /** Accepts a query: it is on the stream before this returns. */
    @PostMapping(
            path = "/query",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    SubmitQueryResponse submit(@RequestBody SubmitQueryRequest request) {
        QueryRequest query = request.toQueryRequest();
        properties.requireAllowed(query.model());
        Query accepted = queue.submit(query);
        return new SubmitQueryResponse("Query received", accepted.id().value(), "queued");
    }

    /** The seed's {@code {"message":"Query received","id":N}}, plus the status. */
    record SubmitQueryResponse(String message, long id, String status) {}

    /** Returns the outcome once terminal, waiting up to {@code wait} for it; 202 with the status if still pending. */
    @GetMapping(path = "/result", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> result(
            @RequestParam("id") String idText,
            @RequestParam(name = "wait", required = false) @Nullable String waitText) {
        QueryId id = QueryId.parse(idText);
        Duration wait = WaitParameter.parse(waitText, properties.resultWait(), properties.resultWaitMax());
        try (ResultWaiters.Waiter waiter = waiters.register(id)) {
            QueryLookup lookup = store.lookup(id);
            if (lookup instanceof QueryLookup.InProgress && !wait.isZero()) {
                Optional<String> published = waiter.await(wait);
                lookup = published.isPresent() ? new QueryLookup.Completed(published.get()) : store.lookup(id);
            }
            return respond(id, lookup);
        }
    }

    /**
     * Streams the answer as Server-Sent Events: {@code delta} events with the text as it arrives (each id is the
     * answer's length so far; send it back as {@code Last-Event-ID} to resume), then one {@code outcome} event.
     */
    @GetMapping(path = "/result/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(
            @RequestParam("id") String idText,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
        QueryId id = QueryId.parse(idText);
        int from = resumeOffset(lastEventId);
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        AnswerStream stream = streams.open(id, from, emitter);
        QueryLookup lookup;
        try {
            lookup = store.lookup(id);
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
    record PendingResponse(long id, String status) {}

    private static ResponseEntity<?> respond(QueryId id, QueryLookup lookup) {
        return switch (lookup) {
            case QueryLookup.Completed completed ->
                ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(completed.json());
            case QueryLookup.InProgress inProgress ->
                ResponseEntity.status(HttpStatus.ACCEPTED)
                        .body(new PendingResponse(
                                id.value(), inProgress.status().wireName()));
            case QueryLookup.Unknown unknown -> throw new QueryNotFoundException(id);
        };
    }
}
