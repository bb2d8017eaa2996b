/** {@code GET /v1/models}: the configured model catalogue. */
@NullMarked
package dev.llmq.simulator.model;

import org.jspecify.annotations.NullMarked;
