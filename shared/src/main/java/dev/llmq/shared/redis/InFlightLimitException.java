package dev.llmq.shared.redis;

import dev.llmq.shared.query.TenantId;

/** A tenant already has as many unfinished queries as it may; carries the tenant and its cap. */
public final class InFlightLimitException extends RuntimeException {

    private final TenantId tenant;
    private final int limit;

    public InFlightLimitException(TenantId tenant, int limit) {
        super("tenant " + tenant + " already has " + limit + " unfinished queries, its limit");
        this.tenant = tenant;
        this.limit = limit;
    }

    public TenantId tenant() {
        return tenant;
    }

    public int limit() {
        return limit;
    }
}
