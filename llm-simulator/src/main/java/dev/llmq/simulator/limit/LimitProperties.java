package dev.llmq.simulator.limit;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The limits at startup, under {@code llmq.simulator.limits}; unset limits are unlimited. */
@ConfigurationProperties("llmq.simulator.limits")
record LimitProperties(
        @Nullable Integer requestsPerWindow,
        @Nullable Long tokensPerWindow,
        @DefaultValue("1m") Duration window) {

    /** Validates like {@link RateLimits}, so a bad setting stops the simulator at startup. */
    LimitProperties {
        new RateLimits(requestsPerWindow, tokensPerWindow, window);
    }

    RateLimits toLimits() {
        return new RateLimits(requestsPerWindow, tokensPerWindow, window);
    }
}
