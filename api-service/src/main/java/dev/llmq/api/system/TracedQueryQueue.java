package dev.llmq.api.system;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TraceParent;
import dev.llmq.shared.redis.QueryQueue;
import dev.llmq.shared.redis.RedisKeys;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Traces enqueueing: each submission runs in a producer span ({@code send <stream>}, a child of the request's server
 * span), and the queue underneath writes the current span's context into the query as its {@code traceparent} (see
 * {@link #currentTrace}), so the worker's spans continue the same trace.
 */
final class TracedQueryQueue implements QueryQueue {

    private final QueryQueue queue;
    private final Tracer tracer;

    TracedQueryQueue(QueryQueue queue, Tracer tracer) {
        this.queue = queue;
        this.tracer = tracer;
    }

    /** What the Redis adapters ask for the trace context to enqueue in: the current span's, if any. */
    static Supplier<@Nullable TraceParent> currentTrace(Tracer tracer) {
        return () -> {
            Span span = tracer.currentSpan();
            if (span == null) {
                return null;
            }
            TraceContext context = span.context();
            // a no-op tracer's context has empty ids, which parse to nothing
            return TraceParent.parse("00-" + context.traceId() + "-" + context.spanId()
                            + (Boolean.TRUE.equals(context.sampled()) ? "-01" : "-00"))
                    .orElse(null);
        };
    }

    @Override
    public Query submit(QueryRequest request, Submission submission, int maxInFlight) {
        Span span = start(submission);
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            Query query = queue.submit(request, submission, maxInFlight);
            span.tag("llmq.query.id", query.id().value());
            return query;
        } catch (RuntimeException ex) {
            span.error(ex);
            throw ex;
        } finally {
            span.end();
        }
    }

    @Override
    public IdempotentSubmission submitOnce(
            QueryRequest request,
            Submission submission,
            int maxInFlight,
            String idempotencyKey,
            String fingerprint,
            Duration window) {
        Span span = start(submission);
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            IdempotentSubmission result =
                    queue.submitOnce(request, submission, maxInFlight, idempotencyKey, fingerprint, window);
            if (result instanceof IdempotentSubmission.Created created) {
                span.tag("llmq.query.id", created.query().id().value());
            } else {
                span.tag("llmq.idempotent.replayed", true);
            }
            return result;
        } catch (RuntimeException ex) {
            span.error(ex);
            throw ex;
        } finally {
            span.end();
        }
    }

    private Span start(Submission submission) {
        String stream = RedisKeys.queryStream(submission.priority());
        // a child of the current span (the request's server span)
        return tracer.spanBuilder()
                .name("send " + stream)
                .kind(Span.Kind.PRODUCER)
                .tag("messaging.system", "redis")
                .tag("messaging.operation.type", "send")
                .tag("messaging.destination.name", stream)
                .tag("llmq.tenant", submission.tenant().value())
                .start();
    }
}
