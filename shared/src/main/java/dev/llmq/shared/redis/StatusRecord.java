package dev.llmq.shared.redis;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.TenantId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * An unfinished query's status record ({@link RedisKeys#statusKey}), written and read in one place: one JSON string
 * ({@code status}, {@code tenant}, {@code submitted_at}, {@code started_at}, {@code attempts}, {@code deadline}), so
 * that writing it is one {@code SET} with its expiry and reading it goes into the same {@code MGET} as the result key
 * (both share a slot). Deleted in the same script that stores the outcome, so while it exists no outcome is stored.
 */
final class StatusRecord {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private StatusRecord() {}

    /** The record of a query just submitted: queued, no call begun. */
    static String queued(Query query) {
        return encode(query, QueryStatus.QUEUED, null, 0);
    }

    /** The record of a query whose attempt {@link Query#attempt()} starts its LLM call at {@code startedAt}. */
    static String running(Query query, Instant startedAt) {
        return encode(query, QueryStatus.RUNNING, startedAt, query.attempt());
    }

    /** The record of a query waiting for its retry {@code next}: queued again, its earlier calls counted. */
    static String queuedAgain(Query next) {
        return encode(next, QueryStatus.QUEUED, null, next.attempt() - 1);
    }

    private static String encode(Query query, QueryStatus status, @Nullable Instant startedAt, int attempts) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("status", status.wireName());
        node.put("tenant", query.tenant().value());
        node.put("submitted_at", query.submittedAt().toString());
        if (startedAt != null) {
            node.put("started_at", startedAt.toString());
        }
        node.put("attempts", attempts);
        if (query.deadline() != null) {
            node.put("deadline", query.deadline().toString());
        }
        return node.toString();
    }

    /** Reads a status record; null when there is none or it is not one llmq wrote. */
    static @Nullable QueryState decode(QueryId id, @Nullable String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            String status = text(node, "status");
            String submittedAt = text(node, "submitted_at");
            if (status == null || submittedAt == null) {
                return null;
            }
            String tenant = text(node, "tenant");
            return new QueryState(
                    id,
                    QueryStatus.fromWireName(status),
                    tenant == null ? TenantId.LOCAL : new TenantId(tenant),
                    Instant.parse(submittedAt),
                    instant(text(node, "started_at")),
                    node.path("attempts").asInt(0),
                    instant(text(node, "deadline")));
        } catch (RuntimeException ex) { // Jackson's exceptions included: a record llmq did not write
            return null;
        }
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() ? null : value.asString();
    }

    private static @Nullable Instant instant(@Nullable String text) {
        return text == null ? null : Instant.parse(text);
    }
}
