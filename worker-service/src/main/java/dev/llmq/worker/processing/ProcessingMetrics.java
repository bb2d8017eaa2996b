package dev.llmq.worker.processing;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.Usage;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the processing of queries reports for monitoring, told where it happens; the meters behind it live elsewhere.
 * Implementations must be cheap and must not throw.
 */
public interface ProcessingMetrics {

    /** An LLM call for {@code query} starts, {@code queued} after its submission (waits before retries included). */
    void callStarted(Query query, Duration queued);

    /**
     * The call to {@code model} (the one asked for) ended after {@code took}: with an answer (its first token came
     * after {@code firstToken}, it used {@code usage}), or without one.
     */
    void callEnded(String model, boolean answered, Duration took, @Nullable Duration firstToken, Usage usage);

    /** This worker's write of the terminal outcome won (the first stored outcome wins). */
    void outcomeStored(Outcome outcome);

    /** A query is put back to wait: after a failed call with error {@code code}, or for the provider's budget. */
    void retried(String code);

    /** The provider named {@code provider} answered 429. */
    void providerRateLimited(String provider);

    /** Entries of dead or stopped workers were claimed by this one. */
    void reclaimed(int entries);

    /** A query was given up after too many deliveries. */
    void deadLettered();

    /** The code {@link #retried} gets when a query waits for its provider's shared budget, not after a failure. */
    String PROVIDER_BUDGET = "provider_budget";
}
