/** The api-service's meters and health: submissions, refusals, api-side outcomes, waiters and streams, Redis. */
@NullMarked
package dev.llmq.api.metrics;

import org.jspecify.annotations.NullMarked;
