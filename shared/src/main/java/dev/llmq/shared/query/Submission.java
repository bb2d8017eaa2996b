package dev.llmq.shared.query;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Who submits a query and how it is to be served: its tenant, its priority, and optionally the deadline by which an
 * LLM call for it must start (else it ends {@code expired}).
 */
public record Submission(
        TenantId tenant, Priority priority, @Nullable Instant deadline) {

    /** What a seed-style client gets: the local tenant, normal priority, no deadline. */
    public static final Submission DEFAULT = new Submission(TenantId.LOCAL, Priority.NORMAL, null);

    public static Submission of(TenantId tenant) {
        return new Submission(tenant, Priority.NORMAL, null);
    }
}
