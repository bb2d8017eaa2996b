/** Tests of {@code dev.llmq.simulator.requestlog}. */
@NullMarked
package dev.llmq.simulator.requestlog;

import org.jspecify.annotations.NullMarked;
