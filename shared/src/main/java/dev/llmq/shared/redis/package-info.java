/** Redis adapters shared by the services: key names, connections, the query stream, results and notifications. */
@NullMarked
package dev.llmq.shared.redis;

import org.jspecify.annotations.NullMarked;
