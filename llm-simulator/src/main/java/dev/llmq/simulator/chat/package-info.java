/** {@code POST /v1/chat/completions}: request parsing, the simulated completion and its JSON and SSE wire formats. */
@NullMarked
package dev.llmq.simulator.chat;

import org.jspecify.annotations.NullMarked;
