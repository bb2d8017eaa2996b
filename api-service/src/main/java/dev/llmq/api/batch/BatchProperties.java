package dev.llmq.api.batch;

import dev.llmq.shared.query.Priority;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the Batch API ({@code LLMQ_API_*} in the environment).
 *
 * @param maxFileSize the largest file {@code POST /v1/files} accepts; larger ones get 413
 * @param maxFileLines the most lines (requests) one batch input file may hold
 * @param batchTtl how long files, batches and their results are kept in Redis
 * @param batchSweepInterval how often each api replica collects finished lines of unfinished batches
 * @param batchChunk how many lines are enqueued or checked per pipelined round trip
 * @param batchPriority the priority of batch lines' queries: low, so batch work yields to interactive queries
 */
@ConfigurationProperties("llmq.api")
public record BatchProperties(
        @DefaultValue("50MB") DataSize maxFileSize,
        @DefaultValue("50000") int maxFileLines,
        @DefaultValue("30d") Duration batchTtl,
        @DefaultValue("1s") Duration batchSweepInterval,
        @DefaultValue("1000") int batchChunk,
        @DefaultValue("low") Priority batchPriority) {

    public BatchProperties {
        if (maxFileSize.toBytes() < 1) {
            throw new IllegalArgumentException("LLMQ_API_MAX_FILE_SIZE must be positive: " + maxFileSize);
        }
        if (maxFileLines < 1) {
            throw new IllegalArgumentException("LLMQ_API_MAX_FILE_LINES must be positive: " + maxFileLines);
        }
        if (batchTtl.compareTo(Duration.ofHours(25)) < 0) {
            throw new IllegalArgumentException(
                    "LLMQ_API_BATCH_TTL must be at least 25h (a 24h window and time to collect): " + batchTtl);
        }
        if (batchSweepInterval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new IllegalArgumentException("LLMQ_API_BATCH_SWEEP_INTERVAL must be at least 10ms");
        }
        if (batchChunk < 1 || batchChunk > 10_000) {
            throw new IllegalArgumentException("LLMQ_API_BATCH_CHUNK must be between 1 and 10000: " + batchChunk);
        }
    }
}
