package dev.llmq.worker.llm;

import dev.llmq.shared.query.Query;

/** The LLM seam: answers one query, or throws {@link LlmCallException} saying why it could not. */
public interface LlmClient {

    LlmAnswer complete(Query query);

    /** The model queries are sent to. */
    String model();
}
