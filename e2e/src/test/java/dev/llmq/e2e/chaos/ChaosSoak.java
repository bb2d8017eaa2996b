package dev.llmq.e2e.chaos;

import java.time.Duration;

/**
 * How long chaos scenarios keep breaking things after their fixed round of faults: nothing by default (CI), else
 * {@code -Dllmq.chaos.duration=PT10M} (or {@code LLMQ_CHAOS_DURATION}), an ISO-8601 duration: the soak.
 */
public final class ChaosSoak {

    private ChaosSoak() {}

    public static Duration duration() {
        String configured = System.getProperty("llmq.chaos.duration", System.getenv("LLMQ_CHAOS_DURATION"));
        return configured == null || configured.isBlank() ? Duration.ZERO : Duration.parse(configured);
    }
}
