package dev.llmq.shared.redis;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Flow control for one LLM provider, shared by every worker replica: requests and tokens per window, calls in flight
 * at once, and a pause that a provider's 429 {@code Retry-After} imposes on everyone.
 */
public interface ProviderLimits {

    /**
     * Takes budget and a concurrency slot for call {@code callId} to {@code model} of about {@code tokens} tokens if
     * the provider is not paused and the limits (the provider's and the model's) allow; returns {@link Duration#ZERO}
     * then, else how long to wait before asking again (nothing is taken). A granted call must be
     * {@linkplain #release released} when it ends.
     */
    Duration acquire(String callId, @Nullable String model, long tokens);

    /**
     * Tells that call {@code callId} has reached the provider (its first answer piece arrived). A granted call is
     * counted in the request and token windows from the moment it took its budget; one that reached the provider
     * later than the windows' margin allows (a cold worker's first calls, a starved or paused JVM) is counted again
     * from now, so that llmq's windows do not free its place before the provider's does. Costs nothing otherwise.
     */
    default void reached(String callId) {}

    /** Frees the concurrency slot of a call that ended (a crashed worker's slot frees itself after a while). */
    void release(String callId);

    /** Pauses every replica's calls to this provider for {@code duration} (never shortens a longer pause). */
    void pause(Duration duration);
}
