/** Tests of {@code dev.llmq.simulator.chat}. */
@NullMarked
package dev.llmq.simulator.chat;

import org.jspecify.annotations.NullMarked;
