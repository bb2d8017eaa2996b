package dev.llmq.shared.query;

import java.util.Locale;

/**
 * Where a query is in its life: {@code queued} → {@code running} → one of the terminal {@code succeeded},
 * {@code failed}, {@code cancelled} or {@code expired}. A retry shows as {@code queued} again. The lower-case name is
 * its wire form.
 */
public enum QueryStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    EXPIRED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }

    public static QueryStatus fromWireName(String name) {
        for (QueryStatus status : values()) {
            if (status.wireName().equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown query status: '" + name + "'");
    }
}
