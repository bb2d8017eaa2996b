/**
 * Account-wide rate limits the simulator enforces over all its clients: requests and tokens per sliding window, and
 * OpenAI's {@code x-ratelimit-*} headers that report them.
 */
@NullMarked
package dev.llmq.simulator.limit;

import org.jspecify.annotations.NullMarked;
