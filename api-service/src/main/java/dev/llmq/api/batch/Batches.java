package dev.llmq.api.batch;

import dev.llmq.api.query.ApiProperties;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.BatchStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/** Creating, reading, listing and cancelling a tenant's batches; the lines' work is left to {@link BatchRunner}. */
@Component
class Batches {

    private static final Logger log = LoggerFactory.getLogger(Batches.class);

    static final String COMPLETION_WINDOW = "24h";

    private final BatchStore store;
    private final StoredFiles files;
    private final BatchRunner runner;
    private final ApiProperties api;
    private final BatchProperties properties;
    private final Clock clock;

    Batches(
            BatchStore store,
            StoredFiles files,
            BatchRunner runner,
            ApiProperties api,
            BatchProperties properties,
            Clock clock) {
        this.store = store;
        this.files = files;
        this.runner = runner;
        this.api = api;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Checks every line of the input file: a bad file makes a {@code failed} batch with nothing enqueued; a good one
     * is recorded first, then its lines are enqueued (resumed by any replica if this one dies or Redis fails on the
     * way: the batch is answered as created either way).
     */
    BatchRecord create(TenantId tenant, CreateBatchRequest request) {
        request.validate();
        byte[] content = files.content(tenant, request.inputFileId());
        var parsed = BatchInput.parse(content, api, properties.maxFileLines());
        long now = clock.millis();
        long seconds = now / 1000;
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("endpoint", request.endpoint());
        fields.put("input_file_id", request.inputFileId());
        fields.put("completion_window", COMPLETION_WINDOW);
        fields.put("created_at", Long.toString(seconds));
        fields.put("expires_at", Long.toString(seconds + Duration.ofHours(24).toSeconds()));
        fields.put("completed", "0");
        fields.put("failed", "0");
        fields.put("submitted_lines", "0");
        if (request.metadata() != null) {
            fields.put("metadata", BatchRecord.JSON.writeValueAsString(request.metadata()));
        }
        String id = ObjectIds.newBatchId();
        switch (parsed) {
            case BatchInput.Valid valid -> {
                fields.put("total", Integer.toString(valid.lines().size()));
                fields.putAll(BatchRecord.transition(BatchStatus.IN_PROGRESS, seconds));
                store.createBatch(tenant, id, now, fields, true, properties.batchTtl());
                try {
                    runner.submit(new BatchRecord(tenant, id, fields), valid.lines());
                } catch (RuntimeException ex) {
                    // the batch is stored (and confirmed, if asked): answered as created, its lines left to the sweep
                    // of any replica; a 503 now would make the client create it a second time
                    log.warn(
                            "batch={} tenant={} created, its lines' submission failed and is left to the sweep",
                            id,
                            tenant,
                            ex);
                    return new BatchRecord(tenant, id, fields);
                }
            }
            case BatchInput.Invalid invalid -> {
                fields.put("total", "0");
                fields.put("errors", errors(invalid));
                fields.putAll(BatchRecord.transition(BatchStatus.FAILED, seconds));
                store.createBatch(tenant, id, now, fields, false, properties.batchTtl());
            }
        }
        return find(tenant, id);
    }

    BatchRecord find(TenantId tenant, String id) {
        if (!ObjectIds.isBatchId(id)) {
            throw new BatchObjectNotFoundException("batch", id);
        }
        return store.batch(tenant, id)
                .map(fields -> new BatchRecord(tenant, id, fields))
                .orElseThrow(() -> new BatchObjectNotFoundException("batch", id));
    }

    /** Marks the batch {@code cancelling}; the sweep cancels its unfinished queries, then marks it cancelled. */
    BatchRecord cancel(TenantId tenant, String id) {
        BatchRecord batch = find(tenant, id);
        switch (batch.status()) {
            case VALIDATING, IN_PROGRESS, FINALIZING ->
                store.updateBatch(tenant, id, BatchRecord.transition(BatchStatus.CANCELLING, clock.millis() / 1000));
            case CANCELLING, CANCELLED -> {
                // cancelling twice is harmless
            }
            case FAILED, COMPLETED, EXPIRED ->
                throw new BatchStateConflictException("cannot cancel batch " + id + ": it is already "
                        + batch.status().wireName());
        }
        return find(tenant, id);
    }

    ObjectNode list(TenantId tenant, int limit, @Nullable String after) {
        if (after != null && !ObjectIds.isBatchId(after)) {
            throw new InvalidBatchRequestException("'after' must be a batch id");
        }
        var ids = store.batchIds(tenant, limit + 1, after);
        var data = BatchRecord.JSON.createArrayNode();
        ids.stream()
                .limit(limit)
                .forEach(id -> store.batch(tenant, id)
                        .ifPresent(fields -> data.add(new BatchRecord(tenant, id, fields).toJson())));
        return Listing.of(data, ids.size() > limit);
    }

    private static String errors(BatchInput.Invalid invalid) {
        ObjectNode errors = BatchRecord.JSON.createObjectNode();
        errors.put("object", "list");
        var data = errors.putArray("data");
        for (BatchInput.LineError error : invalid.errors()) {
            var node = data.addObject();
            node.put("code", error.code());
            node.put("message", error.message());
            node.putNull("param");
            if (error.line() > 0) {
                node.put("line", error.line());
            } else {
                node.putNull("line");
            }
        }
        return errors.toString();
    }
}
