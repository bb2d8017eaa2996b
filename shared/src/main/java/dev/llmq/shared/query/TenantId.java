package dev.llmq.shared.query;

import java.util.regex.Pattern;

/**
 * The tenant a query, batch or API key belongs to: 1-64 letters, digits, {@code .}, {@code _} or {@code -}, starting
 * with a letter or digit, so it is safe inside Redis key names. Clients without keys (protected mode, loopback only)
 * act as {@link #LOCAL}.
 */
public record TenantId(String value) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The tenant of every client while no API keys are required. */
    public static final TenantId LOCAL = new TenantId("local");

    public TenantId {
        if (!NAME.matcher(value).matches()) {
            throw new InvalidTenantException(value);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
