/**
 * Fault injection: the fault grammar ({@code 503}, {@code 429;retry-after=2}, {@code cut-stream;after-tokens=3}...),
 * the fault a request asks for (header or prompt marker) and the run-wide fault rules.
 */
@NullMarked
package dev.llmq.simulator.fault;

import org.jspecify.annotations.NullMarked;
