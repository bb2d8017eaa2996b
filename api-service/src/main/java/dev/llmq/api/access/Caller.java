package dev.llmq.api.access;

import dev.llmq.shared.query.TenantId;

/**
 * Who is calling: the tenant the request acts for and that tenant's cap on unfinished queries (0: none). Controllers
 * take it as a parameter; the access filter puts it on the request under {@link #ATTRIBUTE}.
 */
public record Caller(TenantId tenant, int maxInFlight) {

    /** The request attribute holding the caller. */
    public static final String ATTRIBUTE = Caller.class.getName();

    /** A client without a key, allowed only while no keys are required (loopback clients in protected mode). */
    public static final Caller LOCAL = new Caller(TenantId.LOCAL, 0);

    public Caller {
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("maxInFlight must not be negative: " + maxInFlight);
        }
    }
}
