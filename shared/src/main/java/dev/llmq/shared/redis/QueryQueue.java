package dev.llmq.shared.redis;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import java.time.Duration;

/** The producer side of the query streams, used by the api-service. */
public interface QueryQueue {

    /**
     * Issues a new id, records the query as queued and appends it to the stream of its priority. Returns only once
     * Redis holds the entry, so a query whose submission returned is never lost.
     *
     * @throws InFlightLimitException when the tenant already has {@code maxInFlight} unfinished queries (0: no cap)
     */
    Query submit(QueryRequest request, Submission submission, int maxInFlight);

    /**
     * Like {@link #submit}, unless the tenant used {@code idempotencyKey} within {@code window}: then nothing is
     * enqueued and the query that key created is returned, or a mismatch if that was for another request
     * ({@code fingerprint} identifies the request).
     */
    IdempotentSubmission submitOnce(
            QueryRequest request,
            Submission submission,
            int maxInFlight,
            String idempotencyKey,
            String fingerprint,
            Duration window);

    /** Submits the seed's form of query for the local tenant: one prompt, default model and options. */
    default Query submit(String prompt) {
        return submit(QueryRequest.ofPrompt(prompt), Submission.DEFAULT, 0);
    }

    /** Submits a query for the local tenant at normal priority without a deadline or cap. */
    default Query submit(QueryRequest request) {
        return submit(request, Submission.DEFAULT, 0);
    }

    /** What a submission with an idempotency key did. */
    sealed interface IdempotentSubmission {

        /** The key was new: this query was enqueued. */
        record Created(Query query) implements IdempotentSubmission {}

        /** The key was used before for the same request: that query's id, nothing enqueued. */
        record Repeated(QueryId id) implements IdempotentSubmission {}

        /** The key was used before for a different request: nothing enqueued. */
        record Mismatch(QueryId id) implements IdempotentSubmission {}
    }
}
