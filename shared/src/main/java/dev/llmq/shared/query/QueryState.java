package dev.llmq.shared.query;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An unfinished query as its status record in Redis describes it: queued or running, whose it is, when it was
 * submitted, when its current LLM call started, how many calls it has begun, and its deadline if it has one.
 */
public record QueryState(
        QueryId id,
        QueryStatus status,
        TenantId tenant,
        Instant submittedAt,
        @Nullable Instant startedAt,
        int attempts,
        @Nullable Instant deadline) {

    public QueryState {
        if (status.isTerminal()) {
            throw new IllegalArgumentException("a query in progress cannot be " + status.wireName());
        }
    }
}
