package dev.llmq.api.access;

import dev.llmq.shared.query.InvalidTenantException;
import dev.llmq.shared.query.TenantId;
import org.jspecify.annotations.Nullable;

/** Reads tenant names given to the admin endpoints, refusing bad ones with 400 before they reach a Redis key. */
final class Tenants {

    private Tenants() {}

    static TenantId parse(@Nullable String text) {
        if (text == null) {
            throw AdminRequestException.invalid("'tenant' is required");
        }
        try {
            return new TenantId(text);
        } catch (InvalidTenantException ex) {
            throw AdminRequestException.invalid("'tenant': " + ex.getMessage());
        }
    }
}
