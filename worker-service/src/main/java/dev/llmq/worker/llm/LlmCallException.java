package dev.llmq.worker.llm;

import dev.llmq.shared.query.QueryError;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A failed LLM call, already classified: {@code error} is what the client will see, and {@code retryable} says whether
 * trying again later could succeed (the retry policy itself belongs to the queue, not to this call).
 */
public class LlmCallException extends RuntimeException {

    private final QueryError error;
    private final boolean retryable;
    private final @Nullable Duration retryAfter;

    public LlmCallException(QueryError error, boolean retryable, @Nullable Throwable cause) {
        this(error, retryable, null, cause);
    }

    /** {@code retryAfter} is how long the provider asked callers to wait, when it said so. */
    public LlmCallException(
            QueryError error, boolean retryable, @Nullable Duration retryAfter, @Nullable Throwable cause) {
        super(error.code() + ": " + error.message(), cause);
        this.error = error;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** How long the provider asked to wait before the next call, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public QueryError error() {
        return error;
    }

    public boolean retryable() {
        return retryable;
    }
}
