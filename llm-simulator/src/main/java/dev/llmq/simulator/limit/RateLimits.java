package dev.llmq.simulator.limit;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Account-wide limits: at most {@code requestsPerWindow} requests and {@code tokensPerWindow} tokens admitted in any
 * {@code window} (a sliding window); {@code null} means that dimension is unlimited.
 */
public record RateLimits(
        @Nullable Integer requestsPerWindow, @Nullable Long tokensPerWindow, Duration window) {

    /** The window when none is given. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    /** Rejects limits below 1 and a window shorter than a millisecond. */
    public RateLimits {
        Objects.requireNonNull(window, "window is required");
        if (requestsPerWindow != null && requestsPerWindow < 1) {
            throw new IllegalArgumentException("requests-per-window must be at least 1, got " + requestsPerWindow);
        }
        if (tokensPerWindow != null && tokensPerWindow < 1) {
            throw new IllegalArgumentException("tokens-per-window must be at least 1, got " + tokensPerWindow);
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1ms, got " + window);
        }
    }

    /** No limit at all, over the default window. */
    public static RateLimits unlimited() {
        return new RateLimits(null, null, DEFAULT_WINDOW);
    }

    /** The window in the unit it divides evenly, as the settings write it: {@code 1m}, {@code 10s}, {@code 1500ms}. */
    public String windowText() {
        long millis = window.toMillis();
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** Whether neither requests nor tokens are limited. */
    public boolean isUnlimited() {
        return requestsPerWindow == null && tokensPerWindow == null;
    }
}
