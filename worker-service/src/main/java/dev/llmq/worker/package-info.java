/** The worker-service: consumes the query stream and calls the LLM. */
@NullMarked
package dev.llmq.worker;

import org.jspecify.annotations.NullMarked;
