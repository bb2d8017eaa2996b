package dev.llmq.shared.query;

import java.time.Duration;

/**
 * Where an answered query's time went: waiting before its final LLM call ({@code queued}, retries included) and in
 * that call ({@code model}).
 */
public record Timing(Duration queued, Duration model) {

    public static final Timing UNKNOWN = new Timing(Duration.ZERO, Duration.ZERO);

    public Timing {
        if (queued.isNegative()) {
            queued = Duration.ZERO;
        }
        if (model.isNegative()) {
            model = Duration.ZERO;
        }
    }
}
