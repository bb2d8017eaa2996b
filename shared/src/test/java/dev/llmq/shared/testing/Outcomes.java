package dev.llmq.shared.testing;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.query.Usage;
import java.time.Instant;

/** Outcomes as a worker of the local tenant would store them, for tests that play the worker. */
public final class Outcomes {

    private Outcomes() {}

    public static Outcome answered(QueryId id, String text) {
        return answered(id, TenantId.LOCAL, text);
    }

    public static Outcome answered(QueryId id, TenantId tenant, String text) {
        Instant now = Instant.now();
        return new Outcome(
                id,
                tenant,
                now,
                now,
                1,
                now,
                new Outcome.Answered(text, "gpt-4o-mini", new Usage(3, 4), Timing.UNKNOWN));
    }

    public static Outcome failed(QueryId id, QueryError error) {
        Instant now = Instant.now();
        return new Outcome(id, TenantId.LOCAL, now, now, 1, now, new Outcome.Failed(error, Timing.UNKNOWN));
    }
}
