/** Tests of {@code dev.llmq.simulator.limit}. */
@NullMarked
package dev.llmq.simulator.limit;

import org.jspecify.annotations.NullMarked;
