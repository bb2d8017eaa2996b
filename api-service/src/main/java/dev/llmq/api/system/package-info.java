/** Wiring of the api-service: configuration, Redis, JSON strictness, request limits and problem responses. */
@NullMarked
package dev.llmq.api.system;

import org.jspecify.annotations.NullMarked;
