/**
 * Wiring of the api-service: configuration, Redis, JSON strictness, request limits and timeouts, CORS, the OpenAPI
 * document and problem responses (also for requests Tomcat refuses itself).
 */
@NullMarked
package dev.llmq.api.system;

import org.jspecify.annotations.NullMarked;
