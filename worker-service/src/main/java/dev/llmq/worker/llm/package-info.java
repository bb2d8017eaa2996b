/** The LLM seam: one call per query through openai-java, and the classification of its failures. */
@NullMarked
package dev.llmq.worker.llm;

import org.jspecify.annotations.NullMarked;
