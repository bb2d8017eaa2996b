/** Meters and health checks every llmq service binds the same way: Redis command latency and Redis reachability. */
@NullMarked
package dev.llmq.shared.monitoring;

import org.jspecify.annotations.NullMarked;
