/** The api-service: the stateless HTTP front door of llmq. */
@NullMarked
package dev.llmq.api;

import org.jspecify.annotations.NullMarked;
