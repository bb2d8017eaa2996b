package dev.llmq.simulator.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.simulator.limit.RateLimits;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/** The body of {@code POST /simulator/limits}; the window is a duration such as {@code 10s} (default {@code 1m}). */
record LimitsBody(
        @JsonProperty("requests_per_window") @Nullable Integer requestsPerWindow,
        @JsonProperty("tokens_per_window") @Nullable Long tokensPerWindow,
        @Nullable String window) {

    RateLimits toLimits() {
        return new RateLimits(
                requestsPerWindow,
                tokensPerWindow,
                window == null ? RateLimits.DEFAULT_WINDOW : DurationStyle.detectAndParse(window));
    }
}
