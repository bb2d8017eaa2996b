package dev.llmq.shared.query;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A query as it travels on the stream from the api-service to a worker; {@code attempt} counts LLM calls, 1 for the
 * first and one more for each retry. It belongs to {@code tenant}, waits in the stream of its {@code priority}, and
 * ends expired if no LLM call for it can start by {@code deadline} (when it has one). {@code traceParent}, when
 * present, is the trace context of the span that enqueued it, which every attempt continues. {@code inFlightCounted}
 * says whether it counts against its tenant's in-flight cap (its tenant had one when it was submitted), so that only
 * then does ending it cost a command to stop counting it.
 */
public record Query(
        QueryId id,
        QueryRequest request,
        Instant submittedAt,
        int attempt,
        TenantId tenant,
        Priority priority,
        @Nullable Instant deadline,
        @Nullable TraceParent traceParent,
        boolean inFlightCounted) {

    public Query {
        if (attempt < 1) {
            throw new IllegalArgumentException("query " + id + " has attempt " + attempt);
        }
    }

    /** A query of the local tenant at normal priority without a deadline. */
    public Query(QueryId id, QueryRequest request, Instant submittedAt, int attempt) {
        this(id, request, submittedAt, attempt, TenantId.LOCAL, Priority.NORMAL, null, null, false);
    }

    /** A newly submitted query of the local tenant: its first attempt. */
    public Query(QueryId id, QueryRequest request, Instant submittedAt) {
        this(id, request, submittedAt, 1);
    }

    /** A newly submitted seed-style query: one prompt. */
    public Query(QueryId id, String prompt, Instant submittedAt) {
        this(id, QueryRequest.ofPrompt(prompt), submittedAt, 1);
    }

    /** A newly submitted query: its first attempt. */
    public static Query submitted(QueryId id, QueryRequest request, Instant submittedAt, Submission submission) {
        return new Query(
                id,
                request,
                submittedAt,
                1,
                submission.tenant(),
                submission.priority(),
                submission.deadline(),
                null,
                false);
    }

    /** The same query, carrying the trace context of the span that enqueues it (none: {@code null}). */
    public Query withTraceParent(@Nullable TraceParent traceParent) {
        return new Query(id, request, submittedAt, attempt, tenant, priority, deadline, traceParent, inFlightCounted);
    }

    /** The same query, counted against its tenant's in-flight cap. */
    public Query countedInFlight() {
        return new Query(id, request, submittedAt, attempt, tenant, priority, deadline, traceParent, true);
    }

    /** The same query, for its next attempt. */
    public Query nextAttempt() {
        return new Query(
                id, request, submittedAt, attempt + 1, tenant, priority, deadline, traceParent, inFlightCounted);
    }

    /** Whether no LLM call for this query may start at {@code now} any more. */
    public boolean expiredAt(Instant now) {
        return deadline != null && now.isAfter(deadline);
    }

    /** The last user message. */
    public String prompt() {
        return request.prompt();
    }
}
