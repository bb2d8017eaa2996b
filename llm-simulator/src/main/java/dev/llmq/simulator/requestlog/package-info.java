/** The request log: every chat completion request in arrival order, with its outcome, for tests to read. */
@NullMarked
package dev.llmq.simulator.requestlog;

import org.jspecify.annotations.NullMarked;
