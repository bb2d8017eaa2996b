package dev.llmq.shared.redis;

import dev.llmq.shared.access.TenantLimits;
import dev.llmq.shared.query.TenantId;
import java.time.Duration;
import java.util.Optional;

/** Per-tenant limits set by an admin, and the request-rate window shared by all api-service replicas. */
public interface TenantQuotas {

    /** The limits an admin set for the tenant, if any. */
    Optional<TenantLimits> find(TenantId tenant);

    /** Sets the tenant's limits, replacing the defaults for it. */
    void put(TenantId tenant, TenantLimits limits);

    /**
     * One round trip: counts a request of the tenant unless its per-minute rate is used up, under the limits set for
     * it or else {@code defaults}.
     */
    Admission admit(TenantId tenant, TenantLimits defaults);

    /**
     * The verdict on one request.
     *
     * @param retryAfter zero when admitted, else how long until the window has room again
     * @param limits the tenant's limits in force
     */
    record Admission(Duration retryAfter, TenantLimits limits) {

        public boolean admitted() {
            return retryAfter.isZero();
        }
    }
}
