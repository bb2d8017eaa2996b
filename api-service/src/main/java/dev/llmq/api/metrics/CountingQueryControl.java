package dev.llmq.api.metrics;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.QueryControl;

/**
 * Counts the outcomes this replica stored through a {@link QueryControl}: a cancel or an expiry counts only when its
 * write won (the first stored outcome wins), so each query is counted once across workers and api replicas.
 */
public final class CountingQueryControl implements QueryControl {

    private final QueryControl control;
    private final QueryApiMeters meters;

    public CountingQueryControl(QueryControl control, QueryApiMeters meters) {
        this.control = control;
        this.meters = meters;
    }

    @Override
    public CancelResult cancel(QueryId id, TenantId tenant) {
        CancelResult result = control.cancel(id, tenant);
        if (result instanceof CancelResult.Cancelled) {
            meters.completed(QueryStatus.CANCELLED);
        }
        return result;
    }

    @Override
    public ExpireResult expire(QueryState state) {
        ExpireResult result = control.expire(state);
        if (result instanceof ExpireResult.Expired) {
            meters.completed(QueryStatus.EXPIRED);
        }
        return result;
    }
}
