package dev.llmq.shared.redis;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.TenantId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The fields of an unfinished query's status hash ({@link RedisKeys#statusKey}), written and read in one place. */
final class StatusRecord {

    static final String STATUS = "status";
    static final String TENANT = "tenant";
    static final String SUBMITTED_AT = "submitted_at";
    static final String STARTED_AT = "started_at";
    static final String ATTEMPTS = "attempts";
    static final String DEADLINE = "deadline";

    private StatusRecord() {}

    /** The hash of a query just submitted: queued, no call begun. */
    static Map<String, String> queued(Query query) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(STATUS, QueryStatus.QUEUED.wireName());
        fields.put(TENANT, query.tenant().value());
        fields.put(SUBMITTED_AT, query.submittedAt().toString());
        fields.put(ATTEMPTS, "0");
        if (query.deadline() != null) {
            fields.put(DEADLINE, query.deadline().toString());
        }
        return fields;
    }

    /** Reads a status hash; null when the hash is empty (no such key) or not one llmq wrote. */
    static @Nullable QueryState decode(QueryId id, Map<String, String> fields) {
        String status = fields.get(STATUS);
        String submittedAt = fields.get(SUBMITTED_AT);
        if (status == null || submittedAt == null) {
            return null;
        }
        try {
            return new QueryState(
                    id,
                    QueryStatus.fromWireName(status),
                    new TenantId(fields.getOrDefault(TENANT, TenantId.LOCAL.value())),
                    Instant.parse(submittedAt),
                    instant(fields.get(STARTED_AT)),
                    Integer.parseInt(fields.getOrDefault(ATTEMPTS, "0")),
                    instant(fields.get(DEADLINE)));
        } catch (RuntimeException ex) {
            return null;
        }
    }

    private static @Nullable Instant instant(@Nullable String text) {
        return text == null ? null : Instant.parse(text);
    }
}
