package dev.llmq.worker.processing;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.TraceParent;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.worker.llm.LlmAnswer;
import dev.llmq.worker.llm.LlmCallException;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The spans of a query's processing: per delivery a consumer span ({@code process <stream>}) that continues the trace
 * whose context the query carries (the api-service's {@code send} span is its parent; every attempt of the query is
 * one such child), and within it the LLM call ({@code chat <model>}) and the storing of the outcome. Spans never carry
 * prompt or answer text, nor failure messages (providers and Redis quote requests in them), only their types.
 */
final class QueryTracing {

    private final Tracer tracer;

    QueryTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Runs {@code work} in the delivery's consumer span; log lines written meanwhile carry its trace and span ids. */
    void process(Delivery delivery, Runnable work) {
        Query query = delivery.query();
        String stream = RedisKeys.queryStream(query.priority());
        Span span = parent(tracer.spanBuilder(), query.traceParent())
                .name("process " + stream)
                .kind(Span.Kind.CONSUMER)
                .tag("messaging.system", "redis")
                .tag("messaging.operation.type", "process")
                .tag("messaging.destination.name", stream)
                .tag("messaging.consumer.group.name", RedisKeys.WORKER_GROUP)
                .tag("messaging.message.id", delivery.entryId())
                .tag("llmq.query.id", Long.toString(query.id().value()))
                .tag("llmq.tenant", query.tenant().value())
                .tag("llmq.attempt", Integer.toString(query.attempt()))
                .tag("llmq.delivery", Long.toString(delivery.deliveryCount()))
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            work.run();
        } catch (RuntimeException ex) {
            fail(span, ex.getClass().getName());
            throw ex;
        } finally {
            span.end();
        }
    }

    private Span.Builder parent(Span.Builder builder, @Nullable TraceParent parent) {
        if (parent == null) {
            return builder.setNoParent();
        }
        return builder.setParent(tracer.traceContextBuilder()
                .traceId(parent.traceId())
                .spanId(parent.spanId())
                .sampled(parent.sampled())
                .build());
    }

    /** Runs the LLM call of {@code query} (to {@code provider}, asking for {@code model}) in a client span. */
    LlmAnswer llmCall(Query query, String provider, String model, Supplier<LlmAnswer> call) {
        Span span = tracer.spanBuilder()
                .name("chat " + model)
                .kind(Span.Kind.CLIENT)
                .tag("gen_ai.operation.name", "chat")
                .tag("gen_ai.provider.name", provider)
                .tag("gen_ai.request.model", model)
                .tag("llmq.attempt", Integer.toString(query.attempt()))
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            LlmAnswer answer = call.get();
            span.tag("gen_ai.response.model", answer.model());
            span.tag("gen_ai.usage.input_tokens", answer.usage().promptTokens());
            span.tag("gen_ai.usage.output_tokens", answer.usage().completionTokens());
            return answer;
        } catch (LlmCallException ex) {
            fail(span, ex.error().code());
            throw ex;
        } catch (RuntimeException ex) {
            fail(span, ex.getClass().getName());
            throw ex;
        } finally {
            span.end();
        }
    }

    /** Runs the storing of {@code outcome} (first stored wins: {@code store} says whether this one was) in a span. */
    boolean store(Outcome outcome, BooleanSupplier store) {
        Span span = tracer.spanBuilder()
                .name("store outcome")
                .kind(Span.Kind.CLIENT)
                .tag("db.system.name", "redis")
                .tag("llmq.outcome", outcome.status().wireName())
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            boolean stored = store.getAsBoolean();
            span.tag("llmq.outcome.stored", stored);
            return stored;
        } catch (RuntimeException ex) {
            fail(span, ex.getClass().getName());
            throw ex;
        } finally {
            span.end();
        }
    }

    /** Marks the span failed with the failure's type only. */
    private static void fail(Span span, String type) {
        span.tag("error.type", type);
        span.error(new SpanFailure(type));
    }

    /** A failure reduced to its type, so that no message (which may quote the prompt) reaches a trace. */
    private static final class SpanFailure extends RuntimeException {

        SpanFailure(String type) {
            super(type, null, false, false);
        }
    }
}
