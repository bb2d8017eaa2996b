/** Tests of {@code dev.llmq.simulator.model}. */
@NullMarked
package dev.llmq.simulator.model;

import org.jspecify.annotations.NullMarked;
