package dev.llmq.api.metrics;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.redis.QueryQueue;
import java.time.Duration;

/** Counts the queries a {@link QueryQueue} enqueues, by priority; an idempotent repeat enqueues nothing and counts not. */
public final class CountingQueryQueue implements QueryQueue {

    private final QueryQueue queue;
    private final QueryApiMeters meters;

    public CountingQueryQueue(QueryQueue queue, QueryApiMeters meters) {
        this.queue = queue;
        this.meters = meters;
    }

    @Override
    public Query submit(QueryRequest request, Submission submission, int maxInFlight) {
        Query query = queue.submit(request, submission, maxInFlight);
        meters.submitted(query.priority());
        return query;
    }

    @Override
    public IdempotentSubmission submitOnce(
            QueryRequest request,
            Submission submission,
            int maxInFlight,
            String idempotencyKey,
            String fingerprint,
            Duration window) {
        IdempotentSubmission result =
                queue.submitOnce(request, submission, maxInFlight, idempotencyKey, fingerprint, window);
        if (result instanceof IdempotentSubmission.Created created) {
            meters.submitted(created.query().priority());
        }
        return result;
    }
}
