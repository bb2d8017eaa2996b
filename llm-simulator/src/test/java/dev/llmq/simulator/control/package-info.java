/** Tests of {@code dev.llmq.simulator.control}. */
@NullMarked
package dev.llmq.simulator.control;

import org.jspecify.annotations.NullMarked;
