/** The one-command run: api-service, worker-service, and what they need, in one JVM. */
@NullMarked
package dev.llmq.standalone;

import org.jspecify.annotations.NullMarked;
