/** Wiring of the worker-service: configuration, Redis and the LLM client. */
@NullMarked
package dev.llmq.worker.system;

import org.jspecify.annotations.NullMarked;
