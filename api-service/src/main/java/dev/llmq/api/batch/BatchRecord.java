package dev.llmq.api.batch;

import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.BatchStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A batch as stored in its Redis hash (flat string fields, counts kept by the collecting script), and its OpenAI batch
 * object form.
 */
record BatchRecord(TenantId tenant, String id, Map<String, String> fields) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final List<String> TIMESTAMPS = List.of(
            "created_at",
            "in_progress_at",
            "expires_at",
            "finalizing_at",
            "completed_at",
            "failed_at",
            "expired_at",
            "cancelling_at",
            "cancelled_at");

    BatchRecord {
        fields = Map.copyOf(fields);
    }

    BatchStore.BatchRef ref() {
        return new BatchStore.BatchRef(tenant, id);
    }

    BatchStatus status() {
        return BatchStatus.fromWireName(fields.get("status"));
    }

    String inputFileId() {
        return fields.get("input_file_id");
    }

    long createdAt() {
        return number("created_at");
    }

    long expiresAt() {
        return number("expires_at");
    }

    int total() {
        return (int) number("total");
    }

    int submittedLines() {
        return (int) number("submitted_lines");
    }

    int finished() {
        return (int) (number("completed") + number("failed"));
    }

    long number(String field) {
        String value = fields.get(field);
        return value == null ? 0 : Long.parseLong(value);
    }

    /** The fields that move the batch to {@code status} at {@code epochSeconds}. */
    static Map<String, String> transition(BatchStatus status, long epochSeconds) {
        Map<String, String> change = new LinkedHashMap<>();
        change.put("status", status.wireName());
        if (status.timestampField() != null) {
            change.put(status.timestampField(), Long.toString(epochSeconds));
        }
        return change;
    }

    /** The OpenAI batch object: every field present, null where not (yet) set. */
    ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", id);
        node.put("object", "batch");
        node.put("endpoint", fields.get("endpoint"));
        node.set("errors", parsed("errors"));
        node.put("input_file_id", inputFileId());
        node.put("completion_window", fields.get("completion_window"));
        node.put("status", status().wireName());
        node.put("output_file_id", fields.get("output_file_id"));
        node.put("error_file_id", fields.get("error_file_id"));
        for (String timestamp : TIMESTAMPS) {
            if (fields.containsKey(timestamp)) {
                node.put(timestamp, number(timestamp));
            } else {
                node.putNull(timestamp);
            }
        }
        ObjectNode counts = node.putObject("request_counts");
        counts.put("total", number("total"));
        counts.put("completed", number("completed"));
        counts.put("failed", number("failed"));
        node.set("metadata", parsed("metadata"));
        return node;
    }

    private @Nullable JsonNode parsed(String field) {
        String json = fields.get(field);
        return json == null ? JSON.nullNode() : JSON.readTree(json);
    }
}
