/** The llm-simulator application: an OpenAI-compatible HTTP server that answers deterministically. */
@NullMarked
package dev.llmq.simulator;

import org.jspecify.annotations.NullMarked;
