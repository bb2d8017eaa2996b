package dev.llmq.api.query;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the api-service ({@code LLMQ_API_*} in the environment).
 *
 * @param resultWait how long {@code GET /result} waits when the client gives no {@code wait}
 * @param resultWaitMax the longest wait a client may ask for; longer asks are cut to this
 * @param maxBodySize the largest request body accepted; larger ones get 413
 * @param resultTtl how long results (and the status of unfinished queries) are kept in Redis
 * @param streamTimeout how long one {@code GET /result/stream} may stay open; a client resumes with Last-Event-ID
 * @param models the models clients may ask for by name; a query without {@code model} gets the worker's default
 * @param idempotencyWindow how long an {@code Idempotency-Key} is remembered
 * @param resultRecheckInterval how often the results of waits parked this long are read again, in case their
 *     notification never arrived; 0 turns it off
 */
@ConfigurationProperties("llmq.api")
public record ApiProperties(
        @DefaultValue("30s") Duration resultWait,
        @DefaultValue("120s") Duration resultWaitMax,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("24h") Duration resultTtl,
        @DefaultValue("10m") Duration streamTimeout,

        @DefaultValue({"gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"})
        List<String> models,

        @DefaultValue("24h") Duration idempotencyWindow,
        @DefaultValue("5s") Duration resultRecheckInterval) {

    public ApiProperties {
        if (resultWait.isNegative() || resultWaitMax.isNegative() || resultWait.compareTo(resultWaitMax) > 0) {
            throw new IllegalArgumentException("set LLMQ_API_RESULT_WAIT between 0 and LLMQ_API_RESULT_WAIT_MAX ("
                    + resultWaitMax + "); got " + resultWait);
        }
        if (maxBodySize.toBytes() < 1) {
            throw new IllegalArgumentException("LLMQ_API_MAX_BODY_SIZE must be positive: " + maxBodySize);
        }
        models = List.copyOf(models);
        if (idempotencyWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("LLMQ_API_IDEMPOTENCY_WINDOW must be at least 1s: " + idempotencyWindow);
        }
        if (resultRecheckInterval.isNegative()
                || (!resultRecheckInterval.isZero() && resultRecheckInterval.compareTo(Duration.ofMillis(100)) < 0)) {
            throw new IllegalArgumentException(
                    "LLMQ_API_RESULT_RECHECK_INTERVAL must be 0 (off) or at least 100ms: " + resultRecheckInterval);
        }
        if (resultTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("LLMQ_API_RESULT_TTL must be at least 1s: " + resultTtl);
        }
    }

    /** Refuses a model that is not on the allow-list, naming the ones that are. */
    public void requireAllowed(@Nullable String model) {
        if (model != null && !models.contains(model)) {
            throw new InvalidQueryRequestException(
                    "'model' " + model + " is not available; choose one of " + String.join(", ", models));
        }
    }
}
