/**
 * Control of a running simulator: the {@code /simulator/*} endpoints and, for tests that start it in-process, the
 * {@link dev.llmq.simulator.control.SimulatorControl} bean: fault rules, account-wide limits and the request log.
 */
@NullMarked
package dev.llmq.simulator.control;

import org.jspecify.annotations.NullMarked;
