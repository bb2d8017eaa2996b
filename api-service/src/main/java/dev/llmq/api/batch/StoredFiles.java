package dev.llmq.api.batch;

import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.BatchStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/** Files of the Batch API: batch input files clients upload, and the output and error files batches write. */
@Component
class StoredFiles {

    private final BatchStore store;
    private final BatchProperties properties;
    private final Clock clock;

    StoredFiles(BatchStore store, BatchProperties properties, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    /** Stores a file under {@code id} (issued or derived) and returns its OpenAI file object. */
    ObjectNode save(TenantId tenant, String id, String filename, String purpose, byte[] content) {
        long now = clock.millis();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("bytes", Integer.toString(content.length));
        meta.put("created_at", Long.toString(now / 1000));
        meta.put("filename", filename);
        meta.put("purpose", purpose);
        store.saveFile(tenant, id, now, meta, content, properties.batchTtl());
        return toJson(id, meta);
    }

    /** The file object of the caller's file; 404 for anything else. */
    ObjectNode find(TenantId tenant, String id) {
        requireShape(id);
        return toJson(id, store.fileMeta(tenant, id).orElseThrow(() -> notFound(id)));
    }

    byte[] content(TenantId tenant, String id) {
        requireShape(id);
        return store.fileContent(tenant, id).orElseThrow(() -> notFound(id));
    }

    void delete(TenantId tenant, String id) {
        requireShape(id);
        if (!store.deleteFile(tenant, id)) {
            throw notFound(id);
        }
    }

    ObjectNode list(TenantId tenant, int limit, @org.jspecify.annotations.Nullable String after) {
        if (after != null) {
            requireShape(after);
        }
        var ids = store.fileIds(tenant, limit + 1, after);
        var data = BatchRecord.JSON.createArrayNode();
        ids.stream()
                .limit(limit)
                .forEach(id -> store.fileMeta(tenant, id).ifPresent(meta -> data.add(toJson(id, meta))));
        return Listing.of(data, ids.size() > limit);
    }

    private ObjectNode toJson(String id, Map<String, String> meta) {
        long createdAt = Long.parseLong(meta.get("created_at"));
        ObjectNode node = BatchRecord.JSON.createObjectNode();
        node.put("id", id);
        node.put("object", "file");
        node.put("bytes", Long.parseLong(meta.get("bytes")));
        node.put("created_at", createdAt);
        node.put("expires_at", createdAt + properties.batchTtl().toSeconds());
        node.put("filename", meta.get("filename"));
        node.put("purpose", meta.get("purpose"));
        node.put("status", "processed");
        node.putNull("status_details");
        return node;
    }

    private static void requireShape(String id) {
        if (!ObjectIds.isFileId(id)) {
            throw notFound(id);
        }
    }

    private static BatchObjectNotFoundException notFound(String id) {
        return new BatchObjectNotFoundException("file", id);
    }
}
