package dev.llmq.shared.access;

import dev.llmq.shared.query.TenantId;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What llmq keeps about an API key besides its digest: its id, the tenant it acts for, a name for people, and when it
 * was created. Never the key itself.
 */
public record ApiKeyRecord(ApiKeyId id, TenantId tenant, String name, Instant createdAt) {

    /** 1-100 characters, no control characters (names end up in logs and JSON). */
    private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,100}");

    public ApiKeyRecord {
        if (!validName(name)) {
            throw new IllegalArgumentException("an API key name is 1-100 characters without control characters");
        }
    }

    /** Whether {@code name} may name a key. */
    public static boolean validName(String name) {
        return NAME.matcher(name).matches() && !name.isBlank();
    }
}
