package dev.llmq.api.access;

import dev.llmq.shared.access.TenantLimits;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call the api-service ({@code LLMQ_API_*} in the environment).
 *
 * @param adminKey {@code LLMQ_API_ADMIN_KEY}: when set, every endpoint but health and metrics needs an API key and the admin
 *     endpoints accept this one; at least 24 characters
 * @param protectedMode {@code LLMQ_API_PROTECTED_MODE}: without an admin key, serve only loopback clients (default)
 * @param tenantRequestsPerMinute {@code LLMQ_API_TENANT_REQUESTS_PER_MINUTE}: default rate of a key's tenant (0: none)
 * @param tenantMaxInFlight {@code LLMQ_API_TENANT_MAX_IN_FLIGHT}: default cap on a key's tenant's unfinished queries
 */
@ConfigurationProperties("llmq.api")
public record AccessProperties(
        @Nullable String adminKey,
        @DefaultValue("true") boolean protectedMode,
        @DefaultValue("600") int tenantRequestsPerMinute,
        @DefaultValue("100") int tenantMaxInFlight) {

    static final int MIN_ADMIN_KEY_LENGTH = 24;

    public AccessProperties {
        if (adminKey != null && adminKey.isBlank()) {
            adminKey = null;
        }
        if (adminKey != null && (adminKey.length() < MIN_ADMIN_KEY_LENGTH || !adminKey.matches("[\\x21-\\x7e]+"))) {
            // never echo the key itself
            throw new IllegalArgumentException("LLMQ_API_ADMIN_KEY must be at least " + MIN_ADMIN_KEY_LENGTH
                    + " printable characters without spaces, e.g. from `openssl rand -base64 32`");
        }
        try {
            new TenantLimits(tenantRequestsPerMinute, tenantMaxInFlight);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "LLMQ_API_TENANT_REQUESTS_PER_MINUTE / LLMQ_API_TENANT_MAX_IN_FLIGHT: " + ex.getMessage());
        }
    }

    /** How clients without a key are treated. */
    AccessMode mode() {
        if (adminKey != null) {
            return AccessMode.KEYS_REQUIRED;
        }
        return protectedMode ? AccessMode.LOOPBACK_ONLY : AccessMode.OPEN;
    }

    TenantLimits defaultLimits() {
        return new TenantLimits(tenantRequestsPerMinute, tenantMaxInFlight);
    }

    @Override
    public String toString() {
        return "AccessProperties[adminKey=" + (adminKey == null ? "unset" : "set") + ", protectedMode=" + protectedMode
                + ", tenantRequestsPerMinute=" + tenantRequestsPerMinute + ", tenantMaxInFlight=" + tenantMaxInFlight
                + "]";
    }
}
