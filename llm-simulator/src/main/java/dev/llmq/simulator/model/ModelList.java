package dev.llmq.simulator.model;

import java.util.List;

/** The body of {@code GET /v1/models}: OpenAI's {@code list} object. */
record ModelList(String object, List<ModelObject> data) {

    static ModelList of(List<String> ids) {
        return new ModelList("list", ids.stream().map(ModelObject::of).toList());
    }
}
