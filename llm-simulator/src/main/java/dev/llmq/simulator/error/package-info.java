/** OpenAI-style error responses ({@code {"error":{"message","type","param","code"}}}) for every failure. */
@NullMarked
package dev.llmq.simulator.error;

import org.jspecify.annotations.NullMarked;
