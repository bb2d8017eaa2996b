package dev.llmq.shared.query;

import java.util.Locale;

/** Where a query is in its life; the lower-case name is its wire form. */
public enum QueryStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED;
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
