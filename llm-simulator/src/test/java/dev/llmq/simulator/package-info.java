/** Tests of {@code dev.llmq.simulator}. */
@NullMarked
package dev.llmq.simulator;

import org.jspecify.annotations.NullMarked;
