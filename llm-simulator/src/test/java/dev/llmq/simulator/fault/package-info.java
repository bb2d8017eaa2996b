/** Tests of {@code dev.llmq.simulator.fault}. */
@NullMarked
package dev.llmq.simulator.fault;

import org.jspecify.annotations.NullMarked;
