/** Tests of {@code dev.llmq.simulator.error}. */
@NullMarked
package dev.llmq.simulator.error;

import org.jspecify.annotations.NullMarked;
