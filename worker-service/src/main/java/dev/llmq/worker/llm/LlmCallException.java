package dev.llmq.worker.llm;

import dev.llmq.shared.query.QueryError;
import org.jspecify.annotations.Nullable;

/**
 * A failed LLM call, already classified: {@code error} is what the client will see, and {@code retryable} says whether
 * trying again later could succeed (the retry policy itself belongs to the queue, not to this call).
 */
public class LlmCallException extends RuntimeException {

    private final QueryError error;
    private final boolean retryable;

    public LlmCallException(QueryError error, boolean retryable, @Nullable Throwable cause) {
        super(error.code() + ": " + error.message(), cause);
        this.error = error;
        this.retryable = retryable;
    }

    public QueryError error() {
        return error;
    }

    public boolean retryable() {
        return retryable;
    }
}
