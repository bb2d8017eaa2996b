package dev.llmq.simulator.limit;

import java.util.Locale;

/** The two dimensions of a rate limit, named as in OpenAI's 429 error {@code type} and its headers. */
public enum LimitType {
    /** Requests per window. */
    REQUESTS,
    /** Tokens per window. */
    TOKENS;

    /** {@code requests} or {@code tokens}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code wireName}. */
    public static LimitType of(String wireName) {
        return valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}
