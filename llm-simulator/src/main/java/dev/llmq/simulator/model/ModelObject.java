package dev.llmq.simulator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One entry of {@code GET /v1/models}, as OpenAI's {@code model} object. */
record ModelObject(
        String id,
        String object,
        long created,
        @JsonProperty("owned_by") String ownedBy) {

    /** A fixed creation time, so that responses are deterministic (2023-11-14T22:13:20Z). */
    private static final long CREATED = 1_700_000_000L;

    static ModelObject of(String id) {
        return new ModelObject(id, "model", CREATED, "llmq-simulator");
    }
}
