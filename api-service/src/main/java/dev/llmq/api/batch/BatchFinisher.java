package dev.llmq.api.batch;

import dev.llmq.shared.redis.BatchStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends a batch once every line has a result: writes the output and error files (ids derived from the batch id, so
 * writing twice writes the same files) and sets the final status with its timestamp.
 */
@Component
class BatchFinisher {

    private static final Logger log = LoggerFactory.getLogger(BatchFinisher.class);

    private final BatchStore store;
    private final StoredFiles files;
    private final Clock clock;

    BatchFinisher(BatchStore store, StoredFiles files, Clock clock) {
        this.store = store;
        this.files = files;
        this.clock = clock;
    }

    void finishIfDone(BatchStore.BatchRef ref) {
        var fields = store.batch(ref.tenant(), ref.batchId());
        if (fields.isEmpty()) {
            return;
        }
        BatchRecord batch = new BatchRecord(ref.tenant(), ref.batchId(), fields.get());
        if (!batch.status().active() || batch.finished() < batch.total()) {
            return;
        }
        long now = clock.millis() / 1000;
        boolean cancelling = batch.status() == BatchStatus.CANCELLING;
        if (batch.status() != BatchStatus.FINALIZING && !cancelling) {
            store.updateBatch(ref.tenant(), ref.batchId(), BatchRecord.transition(BatchStatus.FINALIZING, now));
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        boolean expired = false;
        for (BatchStore.ResultLine line : store.results(ref).values()) {
            (line.succeeded() ? output : errors).writeBytes((line.json() + "\n").getBytes(StandardCharsets.UTF_8));
            expired |= !line.succeeded() && line.json().contains("\"code\":\"batch_expired\"");
        }
        Map<String, String> change = new LinkedHashMap<>();
        if (output.size() > 0) {
            change.put("output_file_id", write(ref, "output", output.toByteArray()));
        }
        if (errors.size() > 0) {
            change.put("error_file_id", write(ref, "errors", errors.toByteArray()));
        }
        BatchStatus end = cancelling ? BatchStatus.CANCELLED : expired ? BatchStatus.EXPIRED : BatchStatus.COMPLETED;
        change.putAll(BatchRecord.transition(end, now));
        store.updateBatch(ref.tenant(), ref.batchId(), change);
        store.deactivate(ref);
        log.info(
                "batch={} tenant={} {}: {} completed, {} failed",
                ref.batchId(),
                ref.tenant(),
                end.wireName(),
                batch.number("completed"),
                batch.number("failed"));
    }

    private String write(BatchStore.BatchRef ref, String kind, byte[] content) {
        String id = ObjectIds.derivedFileId(ref.member() + ":" + kind);
        files.save(ref.tenant(), id, ref.batchId() + "_" + kind + ".jsonl", "batch_output", content);
        return id;
    }
}
