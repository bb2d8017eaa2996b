package dev.llmq.api.batch;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI's list shape: {@code {"object":"list","data":[...],"first_id","last_id","has_more"}}. */
final class Listing {

    private Listing() {}

    static ObjectNode of(ArrayNode data, boolean hasMore) {
        ObjectNode node = BatchRecord.JSON.createObjectNode();
        node.put("object", "list");
        node.set("data", data);
        if (data.isEmpty()) {
            node.putNull("first_id");
            node.putNull("last_id");
        } else {
            node.put("first_id", data.get(0).get("id").asString());
            node.put("last_id", data.get(data.size() - 1).get("id").asString());
        }
        node.put("has_more", hasMore);
        return node;
    }

    /** Checks a page size as OpenAI does: 1 to 100 (files allow up to 10000). */
    static int limit(@org.jspecify.annotations.Nullable Integer limit, int max) {
        if (limit == null) {
            return 20;
        }
        if (limit < 1 || limit > max) {
            throw new InvalidBatchRequestException("'limit' must be between 1 and " + max);
        }
        return limit;
    }
}
