package dev.llmq.worker.metrics;

import dev.llmq.shared.monitoring.LatencyBuckets;
import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.Usage;
import dev.llmq.worker.processing.ProcessingMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The meters of query processing on a worker: completions by outcome, LLM calls in flight, queue, model, first-token
 * and end-to-end times, retries by reason, reclaims, dead letters, provider 429s and tokens by model. The {@code model}
 * tag takes only the configured models ({@code other} for the rest), so clients cannot grow the series.
 */
public final class QueryProcessingMeters implements ProcessingMetrics, MeterBinder {

    static final String OTHER = "other";
    private static final Set<QueryStatus> TERMINAL =
            EnumSet.of(QueryStatus.SUCCEEDED, QueryStatus.FAILED, QueryStatus.CANCELLED, QueryStatus.EXPIRED);

    /** Error codes of retried calls, by the {@code reason} tag they count under; anything else is {@code other}. */
    private static final Map<String, String> RETRY_REASONS = Map.of(
            "llm_rate_limited",
            "rate_limited",
            "llm_server_error",
            "server_error",
            "llm_timeout",
            "timeout",
            "llm_unreachable",
            "connection",
            "llm_stream_cut",
            "stream_cut",
            "llm_invalid_response",
            "invalid_response",
            PROVIDER_BUDGET,
            PROVIDER_BUDGET);

    private final Set<String> models;
    private final Set<String> providers;
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private volatile @Nullable MeterRegistry registry;

    /** {@code models} and {@code providers}: the names the worker's configuration knows (defaults and routes). */
    public QueryProcessingMeters(Set<String> models, Set<String> providers) {
        this.models = Set.copyOf(models);
        this.providers = Set.copyOf(providers);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("llmq.queries.in.flight", callsInFlight, AtomicInteger::get)
                .description("LLM calls running in this worker now")
                .baseUnit("queries")
                .register(registry);
        // counters that exist before their first event, so dashboards and alerts see a 0 rather than no data
        for (QueryStatus status : TERMINAL) {
            completed(registry, status.wireName());
        }
        providers.forEach(provider -> rateLimited(registry, provider));
        reclaimedCounter(registry);
        deadLetteredCounter(registry);
        this.registry = registry;
    }

    @Override
    public void callStarted(Query query, Duration queued) {
        callsInFlight.incrementAndGet();
        MeterRegistry bound = registry;
        if (bound != null) {
            timer("llmq.query.queue.duration", "Time from a query's submission to the start of its LLM call")
                    .tag("priority", query.priority().wireName())
                    .register(bound)
                    .record(queued);
        }
    }

    @Override
    public void callEnded(String model, boolean answered, Duration took, @Nullable Duration firstToken, Usage usage) {
        callsInFlight.decrementAndGet();
        MeterRegistry bound = registry;
        if (bound == null) {
            return;
        }
        String modelTag = modelTag(model);
        timer("llmq.query.model.duration", "Time of one LLM call, from its start to its end")
                .tag("model", modelTag)
                .tag("outcome", answered ? "succeeded" : "failed")
                .register(bound)
                .record(took);
        if (firstToken != null) {
            timer("llmq.query.first.token.duration", "Time from an LLM call's start to its first token")
                    .tag("model", modelTag)
                    .register(bound)
                    .record(firstToken);
        }
        tokens(bound, modelTag, "input").increment(usage.promptTokens());
        tokens(bound, modelTag, "output").increment(usage.completionTokens());
    }

    @Override
    public void outcomeStored(Outcome outcome) {
        MeterRegistry bound = registry;
        if (bound == null) {
            return;
        }
        String status = outcome.status().wireName();
        completed(bound, status).increment();
        timer("llmq.query.duration", "Time from a query's submission to its stored outcome")
                .tag("outcome", status)
                .register(bound)
                .record(Duration.between(outcome.submittedAt(), outcome.completedAt()));
    }

    @Override
    public void retried(String code) {
        count("llmq.queries.retried", "Queries put back to wait for another LLM call", "reason", reason(code));
    }

    @Override
    public void providerRateLimited(String provider) {
        MeterRegistry bound = registry;
        if (bound != null) {
            rateLimited(bound, provider).increment();
        }
    }

    @Override
    public void reclaimed(int entries) {
        MeterRegistry bound = registry;
        if (bound != null) {
            reclaimedCounter(bound).increment(entries);
        }
    }

    @Override
    public void deadLettered() {
        MeterRegistry bound = registry;
        if (bound != null) {
            deadLetteredCounter(bound).increment();
        }
    }

    private static Counter completed(MeterRegistry registry, String outcome) {
        return Counter.builder("llmq.queries.completed")
                .description("Queries that reached a terminal outcome, counted by the process whose write of it won")
                .baseUnit("queries")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static Counter rateLimited(MeterRegistry registry, String provider) {
        return Counter.builder("llmq.provider.rate.limited")
                .description("429 Too Many Requests answers from an LLM provider")
                .baseUnit("responses")
                .tag("provider", provider)
                .register(registry);
    }

    private static Counter reclaimedCounter(MeterRegistry registry) {
        return Counter.builder("llmq.queries.reclaimed")
                .description("Stream entries claimed from dead or stopped workers")
                .baseUnit("queries")
                .register(registry);
    }

    private static Counter deadLetteredCounter(MeterRegistry registry) {
        return Counter.builder("llmq.queries.dead.lettered")
                .description("Queries given up (failed) after too many deliveries to workers")
                .baseUnit("queries")
                .register(registry);
    }

    private void count(String name, String description, String tag, String value) {
        MeterRegistry bound = registry;
        if (bound != null) {
            Counter.builder(name)
                    .description(description)
                    .baseUnit("queries")
                    .tag(tag, value)
                    .register(bound)
                    .increment();
        }
    }

    private static Counter tokens(MeterRegistry registry, String model, String type) {
        return Counter.builder("llmq.tokens")
                .description("Tokens the LLM providers reported, by model and direction")
                .baseUnit("tokens")
                .tag("model", model)
                .tag("type", type)
                .register(registry);
    }

    private static Timer.Builder timer(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LatencyBuckets.QUERY);
    }

    String modelTag(String model) {
        return models.contains(model) ? model : OTHER;
    }

    static String reason(String code) {
        return RETRY_REASONS.getOrDefault(code, OTHER);
    }
}
