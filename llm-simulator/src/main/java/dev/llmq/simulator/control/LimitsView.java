package dev.llmq.simulator.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.simulator.limit.RateLimitState;
import dev.llmq.simulator.limit.RateLimits;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The body of {@code GET /simulator/limits}: the limits in force and what the x-ratelimit headers would say now. */
@JsonInclude(JsonInclude.Include.ALWAYS)
record LimitsView(
        @JsonProperty("requests_per_window") @Nullable Integer requestsPerWindow,
        @JsonProperty("tokens_per_window") @Nullable Long tokensPerWindow,
        String window,
        Map<String, String> headers) {

    static LimitsView of(RateLimits limits, RateLimitState state) {
        return new LimitsView(
                limits.requestsPerWindow(), limits.tokensPerWindow(), limits.windowText(), state.headers());
    }
}
