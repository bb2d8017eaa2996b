package dev.llmq.simulator.chat;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a completion ended, as OpenAI's {@code finish_reason}. */
enum FinishReason {
    /** The whole answer was emitted. */
    STOP("stop"),
    /** {@code max_tokens} cut the answer short. */
    LENGTH("length");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    String wireName() {
        return wireName;
    }
}
