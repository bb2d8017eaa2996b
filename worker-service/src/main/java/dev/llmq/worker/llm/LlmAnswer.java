package dev.llmq.worker.llm;

import dev.llmq.shared.query.Usage;

/** What the LLM answered: the text, the model that produced it, and the tokens it reported. */
public record LlmAnswer(String text, String model, Usage usage) {}
