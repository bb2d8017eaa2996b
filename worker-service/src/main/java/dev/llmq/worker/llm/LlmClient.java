package dev.llmq.worker.llm;

import dev.llmq.shared.query.Query;
import java.util.function.Consumer;

/** The LLM seam: answers one query, or throws {@link LlmCallException} saying why it could not. */
public interface LlmClient {

    /** Answers {@code query}, handing each piece of the answer text to {@code onText} as it arrives. */
    LlmAnswer complete(Query query, Consumer<String> onText);

    /** The model queries are sent to. */
    String model();
}
