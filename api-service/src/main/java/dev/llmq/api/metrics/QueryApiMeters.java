package dev.llmq.api.metrics;

import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.QueryStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The api-service's query meters: queries submitted by priority and refused by reason, outcomes this replica stored
 * (a client's cancel, a deadline noticed on read), and the {@code GET /result} waits and SSE streams held now.
 */
public final class QueryApiMeters implements MeterBinder {

    /** Why a {@code POST /query} was turned away: the closed set of the {@code reason} tag. */
    public enum Refusal {
        RATE_LIMITED,
        IN_FLIGHT_CAP,
        INVALID,
        OVERLOADED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final IntSupplier waiters;
    private final IntSupplier streams;
    private final Map<Priority, Counter> submitted = new ConcurrentHashMap<>();
    private final Map<Refusal, Counter> refused = new ConcurrentHashMap<>();
    private final Map<QueryStatus, Counter> completed = new ConcurrentHashMap<>();

    /** {@code waiters} and {@code streams} tell how many are held now ({@code ResultWaiters}, {@code AnswerStreams}). */
    public QueryApiMeters(IntSupplier waiters, IntSupplier streams) {
        this.waiters = waiters;
        this.streams = streams;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Priority priority : Priority.values()) {
            submitted.put(
                    priority,
                    Counter.builder("llmq.queries.submitted")
                            .description("Queries accepted and enqueued (an idempotent repeat is not counted)")
                            .baseUnit("queries")
                            .tag("priority", priority.wireName())
                            .register(registry));
        }
        for (Refusal reason : Refusal.values()) {
            refused.put(
                    reason,
                    Counter.builder("llmq.queries.refused")
                            .description(
                                    "POST /query requests refused: rate limited, over the in-flight cap, invalid, or the replica overloaded")
                            .baseUnit("queries")
                            .tag("reason", reason.tag())
                            .register(registry));
        }
        for (QueryStatus status : new QueryStatus[] {QueryStatus.CANCELLED, QueryStatus.EXPIRED}) {
            completed.put(
                    status,
                    Counter.builder("llmq.queries.completed")
                            .description(
                                    "Queries that reached a terminal outcome, counted by the process whose write of it won")
                            .baseUnit("queries")
                            .tag("outcome", status.wireName())
                            .register(registry));
        }
        Gauge.builder("llmq.result.waiters", waiters, IntSupplier::getAsInt)
                .description("GET /result requests waiting for an outcome now")
                .baseUnit("requests")
                .register(registry);
        Gauge.builder("llmq.result.streams", streams, IntSupplier::getAsInt)
                .description("GET /result/stream Server-Sent Event streams open now")
                .baseUnit("streams")
                .register(registry);
    }

    void submitted(Priority priority) {
        increment(submitted.get(priority));
    }

    void refused(Refusal reason) {
        increment(refused.get(reason));
    }

    /** This replica stored a {@code cancelled} or {@code expired} outcome. */
    void completed(QueryStatus status) {
        increment(completed.get(status));
    }

    private static void increment(@Nullable Counter counter) {
        // null only before the registry is bound, when there is nothing to count into yet
        if (counter != null) {
            counter.increment();
        }
    }
}
