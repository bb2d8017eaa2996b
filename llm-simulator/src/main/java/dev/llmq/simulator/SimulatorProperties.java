package dev.llmq.simulator;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the simulator under {@code llmq.simulator.*} (environment variables {@code LLMQ_SIMULATOR_*}), with
 * their defaults.
 *
 * @param timeToFirstToken pause before the first token (streaming) or before answering (non-streaming)
 * @param perTokenDelay pause per generated token
 * @param models the model ids the simulator serves; any other model gets a 404 {@code model_not_found}
 */
@ConfigurationProperties("llmq.simulator")
public record SimulatorProperties(
        @DefaultValue("200ms") Duration timeToFirstToken,
        @DefaultValue("20ms") Duration perTokenDelay,

        @DefaultValue({"gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"})
        List<String> models) {

    /** Rejects negative delays and an empty model list, so a bad setting fails at startup. */
    public SimulatorProperties {
        requireNotNegative("time-to-first-token", timeToFirstToken);
        requireNotNegative("per-token-delay", perTokenDelay);
        models = models.stream()
                .map(String::strip)
                .filter(model -> !model.isEmpty())
                .toList();
        if (models.isEmpty()) {
            throw new IllegalArgumentException("llmq.simulator.models must name at least one model");
        }
    }

    /** Returns the time a non-streaming reply of {@code tokens} tokens takes: time to first token plus per-token delays. */
    public Duration latencyFor(int tokens) {
        return timeToFirstToken.plus(perTokenDelay.multipliedBy(tokens));
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("llmq.simulator." + name + " must not be negative, got " + value);
        }
    }
}
