package dev.llmq.shared.query;

import java.util.Locale;

/**
 * How urgently a query should be served while workers are saturated; each has its own stream. Workers fill free slots
 * by weighted shares (see the worker's priority policy), so {@code high} goes first and {@code low} is never starved.
 */
public enum Priority {
    HIGH,
    NORMAL,
    LOW;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Priority fromWireName(String name) {
        for (Priority priority : values()) {
            if (priority.wireName().equals(name)) {
                return priority;
            }
        }
        throw new InvalidQueryException("'priority' must be one of high, normal, low; got '"
                + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'");
    }
}
