package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
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

    /** Queries waiting to be retried, scored by when they are due (epoch milliseconds). */
    public static final String RETRY_SET = "{llmq}:retries";

    /** Stream entries that held no valid query, kept for inspection (capped). */
    public static final String DEAD_LETTER_STREAM = "{llmq}:dead-letters";

    /** The consumer group all workers read the stream through. */
    public static final String WORKER_GROUP = "llmq-workers";

    /** The stream entry field holding the query JSON. */
    public static final String QUERY_FIELD = "query";

    private RedisKeys() {}

    public static String resultKey(QueryId id) {
        return RESULT_PREFIX + id.value();
    }

    /** The in-progress status of a query (queued or running); hash-tagged into the slot of its result key. */
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
}
