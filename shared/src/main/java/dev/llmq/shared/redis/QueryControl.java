package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.TenantId;

/** Ends unfinished queries from outside a worker: a client's cancel, or a deadline noticed by whoever reads it. */
public interface QueryControl {

    /**
     * Cancels the tenant's query unless it has already ended: stores the {@code cancelled} outcome (the first stored
     * outcome wins), publishes it, and tells every worker to abort a call in progress for it.
     */
    CancelResult cancel(QueryId id, TenantId tenant);

    /**
     * Ends a query that is still queued past its deadline as {@code expired}; says whether this call stored it and
     * carries the JSON of the outcome that stands (this one, or one stored first).
     */
    ExpireResult expire(QueryState state);

    /** What a cancel did. */
    sealed interface CancelResult {

        /** The query was unfinished and is now cancelled; {@code json} is the stored outcome. */
        record Cancelled(String json) implements CancelResult {}

        /** The query had already ended; {@code json} is its outcome. */
        record AlreadyEnded(String json) implements CancelResult {}

        /** No such query of this tenant (never issued, expired, or another tenant's). */
        record NotFound() implements CancelResult {}
    }

    /** What an expiry did; {@code json} is the outcome that stands either way. */
    sealed interface ExpireResult {

        String json();

        /** This call stored the {@code expired} outcome. */
        record Expired(String json) implements ExpireResult {}

        /** An outcome was stored first (a worker's, or another replica's expiry); it stands. */
        record AlreadyEnded(String json) implements ExpireResult {}
    }
}
