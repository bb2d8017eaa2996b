/** The worker's meters and health: query processing, queue depths, the consumer loop, and Redis reachability. */
@NullMarked
package dev.llmq.worker.metrics;

import org.jspecify.annotations.NullMarked;
