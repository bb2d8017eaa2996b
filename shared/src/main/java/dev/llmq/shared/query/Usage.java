package dev.llmq.shared.query;

/** Tokens an answered query consumed, as the provider reported them. */
public record Usage(long promptTokens, long completionTokens) {

    public static final Usage NONE = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException(
                    "token counts must not be negative: " + promptTokens + ", " + completionTokens);
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
