package dev.llmq.worker.llm;

import dev.llmq.shared.query.Usage;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** What the LLM answered: the text, the model that produced it, the tokens it reported, and its first token's delay. */
public record LlmAnswer(
        String text, String model, Usage usage, @Nullable Duration timeToFirstToken) {}
