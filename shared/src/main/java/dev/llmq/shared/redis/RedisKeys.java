package dev.llmq.shared.redis;

import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Every Redis key, channel, stream and group name llmq uses, in one place. Keys touched together by one script share a
 * hash tag so that Redis Cluster keeps them in one slot.
 */
public final class RedisKeys {

    /** Prefix of result keys and of their pub/sub channels: {@code query_result_<id>} (seed-compatible). */
    public static final String RESULT_PREFIX = "query_result_";

    /** The pattern every api-service replica subscribes to once. */
    public static final String RESULT_CHANNEL_PATTERN = RESULT_PREFIX + "*";

    /** The counter {@code INCR}ed to issue query ids. */
    public static final String QUERY_ID_COUNTER = "llmq:query-ids";

    /**
     * The stream of queries waiting for a worker. The queue's keys share the hash tag {@code {llmq}}, so a script can
     * move entries between them on Redis Cluster.
     */
    public static final String QUERY_STREAM = "{llmq}:queries";

    /** The stream of high-priority queries (same group, read before the others by weighted shares). */
    public static final String HIGH_PRIORITY_STREAM = "{llmq}:queries:high";

    /** The stream of low-priority queries (same group, read after the others by weighted shares). */
    public static final String LOW_PRIORITY_STREAM = "{llmq}:queries:low";

    /** Every query stream, highest priority first. */
    public static final List<String> QUERY_STREAMS = List.of(HIGH_PRIORITY_STREAM, QUERY_STREAM, LOW_PRIORITY_STREAM);

    /** The channel on which the api-service announces cancelled query ids to every worker. */
    public static final String CANCELLATIONS_CHANNEL = "llmq:cancellations";

    /** Queries waiting to be retried, scored by when they are due (epoch milliseconds). */
    public static final String RETRY_SET = "{llmq}:retries";

    /** Stream entries that held no valid query, kept for inspection (capped). */
    public static final String DEAD_LETTER_STREAM = "{llmq}:dead-letters";

    /** The consumer group all workers read the stream through. */
    public static final String WORKER_GROUP = "llmq-workers";

    /** The stream entry field holding the query JSON. */
    public static final String QUERY_FIELD = "query";

    private RedisKeys() {}

    /** The stream that queries of {@code priority} wait in; normal priority keeps the original stream. */
    public static String queryStream(Priority priority) {
        return switch (priority) {
            case HIGH -> HIGH_PRIORITY_STREAM;
            case NORMAL -> QUERY_STREAM;
            case LOW -> LOW_PRIORITY_STREAM;
        };
    }

    /**
     * Remembers which query an idempotency key created, for the idempotency window; in the queue's slot so one script
     * checks it and appends the query. {@code keyDigest} is a hex digest of the client's key, never the key itself.
     */
    public static String idempotencyKey(TenantId tenant, String keyDigest) {
        return "{llmq}:idempotency:" + tenant.value() + ":" + keyDigest;
    }

    /** The tenant's unfinished queries (sorted set of ids scored by when they stop counting), for its in-flight cap. */
    public static String tenantInFlightKey(TenantId tenant) {
        return "llmq:tenant:{" + tenant.value() + "}:in-flight";
    }

    public static String resultKey(QueryId id) {
        return RESULT_PREFIX + id.value();
    }

    /**
     * The in-progress record of a query (a JSON string: status, tenant, submitted_at, started_at, attempts, deadline;
     * see {@link StatusRecord}); hash-tagged into the slot of its result key and deleted when the outcome is stored.
     */
    public static String statusKey(QueryId id) {
        return "llmq:status:{" + resultKey(id) + "}";
    }

    /** Until when (epoch ms, Redis clock) calls to a provider are paused after its 429. */
    public static String providerPauseKey(String provider) {
        return "{llmq:provider:" + provider + "}:paused-until";
    }

    /** The provider's calls in the current window (sorted set scored by time). */
    public static String providerRequestsKey(String provider) {
        return "{llmq:provider:" + provider + "}:requests";
    }

    /** The provider's tokens in the current window (sorted set scored by time, members end in their token count). */
    public static String providerTokensKey(String provider) {
        return "{llmq:provider:" + provider + "}:tokens";
    }

    /** Prefix of the channels announcing answer pieces: {@code query_delta_<id>}. */
    public static final String DELTA_PREFIX = "query_delta_";

    /** The pattern every api-service replica subscribes to once for answer pieces. */
    public static final String DELTA_CHANNEL_PATTERN = DELTA_PREFIX + "*";

    public static String deltaChannel(QueryId id) {
        return DELTA_PREFIX + id.value();
    }

    /** The answer text streamed so far; hash-tagged into the slot of the result key, deleted with the outcome. */
    public static String partialAnswerKey(QueryId id) {
        return "llmq:partial:{" + resultKey(id) + "}";
    }

    /** Reads the id out of a delta channel name, or returns null for any other channel. */
    public static @Nullable QueryId idOfDeltaChannel(String channel) {
        if (!channel.startsWith(DELTA_PREFIX)) {
            return null;
        }
        try {
            return QueryId.parse(channel.substring(DELTA_PREFIX.length()));
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** The provider's calls in flight (sorted set of call ids scored by when their slot expires). */
    public static String providerLeasesKey(String provider) {
        return "{llmq:provider:" + provider + "}:in-flight";
    }

    /**
     * The index of API keys: a hash of key id to key digest, for listing and revoking (bounded by the keys an admin
     * creates). Written before a key and cleared after it, so no key exists that the index cannot revoke.
     */
    public static final String API_KEY_INDEX = "llmq:api-keys";

    /**
     * One API key (a hash: key_id, tenant, name, created_at), named by the SHA-256 hex digest of the key, never the
     * key; {@code digest} must be 64 lowercase hex digits. Each key has its own hash tag, so the lookup every request
     * makes spreads over a Redis Cluster instead of heating one slot.
     */
    public static String apiKey(String digest) {
        if (!digest.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 hex digest");
        }
        return "llmq:api-key:{" + digest + "}";
    }

    /** The limits an admin set for the tenant (a hash: requests_per_minute, max_in_flight). */
    public static String tenantLimitsKey(TenantId tenant) {
        return "llmq:tenant:{" + tenant.value() + "}:limits";
    }

    /** The tenant's requests in the last minute (sorted set scored by time, Redis clock), for its request rate. */
    public static String tenantRequestsKey(TenantId tenant) {
        return "llmq:tenant:{" + tenant.value() + "}:requests";
    }

    /** Reads the id out of a result channel name, or returns null for any other channel. */
    public static @Nullable QueryId idOfResultChannel(String channel) {
        if (!channel.startsWith(RESULT_PREFIX)) {
            return null;
        }
        try {
            return QueryId.parse(channel.substring(RESULT_PREFIX.length()));
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /** Batches not yet finished, as {@code tenant/batchId} members scored by creation (epoch ms), for the sweep. */
    public static final String ACTIVE_BATCHES = "llmq:batches:active";

    /**
     * A stored file's metadata (a hash); its content and the other keys of one file share its hash tag. {@code fileId}
     * must be validated first.
     */
    public static String fileKey(TenantId tenant, String fileId) {
        return "llmq:file:{" + tenant.value() + "/" + fileId + "}";
    }

    /** A stored file's bytes (a string). */
    public static String fileContentKey(TenantId tenant, String fileId) {
        return fileKey(tenant, fileId) + ":content";
    }

    /** The tenant's files (sorted set of ids scored by creation, epoch ms), for listing. */
    public static String tenantFilesKey(TenantId tenant) {
        return "llmq:tenant:{" + tenant.value() + "}:files";
    }

    /** A batch (a hash of its fields and counts); its line keys share its hash tag. {@code batchId} validated first. */
    public static String batchKey(TenantId tenant, String batchId) {
        return "llmq:batch:{" + tenant.value() + "/" + batchId + "}";
    }

    /** The batch's line number to query id (a hash), written as lines are submitted. */
    public static String batchQueriesKey(TenantId tenant, String batchId) {
        return batchKey(tenant, batchId) + ":queries";
    }

    /** The batch's submitted lines without a recorded result yet (hash: line number to query id). */
    public static String batchPendingKey(TenantId tenant, String batchId) {
        return batchKey(tenant, batchId) + ":pending";
    }

    /** The batch's recorded result lines (hash: line number to output or error line). */
    public static String batchResultsKey(TenantId tenant, String batchId) {
        return batchKey(tenant, batchId) + ":results";
    }

    /** Which api replica works on the batch right now (a string with a short TTL). */
    public static String batchLeaseKey(TenantId tenant, String batchId) {
        return batchKey(tenant, batchId) + ":lease";
    }

    /** The tenant's batches (sorted set of ids scored by creation, epoch ms), for listing. */
    public static String tenantBatchesKey(TenantId tenant) {
        return "llmq:tenant:{" + tenant.value() + "}:batches";
    }
}
