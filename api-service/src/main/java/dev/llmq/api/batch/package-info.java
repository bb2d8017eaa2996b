/**
 * OpenAI's Batch API on llmq: {@code /v1/files} and {@code /v1/batches}. Each line of a batch becomes one low-priority
 * llmq query; a sweep on every api replica collects outcomes into the batch's output and error files.
 */
@NullMarked
package dev.llmq.api.batch;

import org.jspecify.annotations.NullMarked;
