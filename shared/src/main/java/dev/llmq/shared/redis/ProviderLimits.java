package dev.llmq.shared.redis;

import java.time.Duration;

/**
 * Flow control for one LLM provider, shared by every worker replica: requests and tokens per window, and a pause that
 * a provider's 429 {@code Retry-After} imposes on everyone.
 */
public interface ProviderLimits {

    /**
     * Takes budget for one call of about {@code tokens} tokens if the provider is not paused and the budgets allow;
     * returns {@link Duration#ZERO} then, else how long to wait before asking again (nothing is taken).
     */
    Duration acquire(long tokens);

    /** Pauses every replica's calls to this provider for {@code duration} (never shortens a longer pause). */
    void pause(Duration duration);
}
