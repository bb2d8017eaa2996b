/** Submitting queries and serving their results, waiting for them when asked. */
@NullMarked
package dev.llmq.api.query;

import org.jspecify.annotations.NullMarked;
