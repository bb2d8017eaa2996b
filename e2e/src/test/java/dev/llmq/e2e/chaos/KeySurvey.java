package dev.llmq.e2e.chaos;

import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisDeployment;
import java.util.ArrayList;
import java.util.List;

/**
 * Every key in Redis after a run, and which of them may grow without bound: a key is fine if it expires, or if it is
 * one of the known sets that stay bounded without a TTL:
 *
 * <ul>
 *   <li>{@code llmq:query-ids}: one counter;
 *   <li>the query streams: processed entries are deleted, so once the run has drained they must be empty;
 *   <li>{@code {llmq}:dead-letters}: capped by {@code MAXLEN} when written;
 *   <li>{@code {llmq}:retries}: holds only queries waiting for a retry, so it must be gone (empty) once drained;
 *   <li>API keys, their index, tenants' limits and active batches: as many as an admin or client creates, each
 *       removed with what it belongs to (not written by a chaos run, listed so that other runs can reuse the survey).
 * </ul>
 */
public final class KeySurvey {

    /** One key: its name, type, {@code PTTL} ({@code -1}: none) and, for a key without a TTL, its length. */
    public record Key(String name, String type, long pttl, long length) {}

    private KeySurvey() {}

    /** Lists every key ({@code KEYS *}, on every primary of a cluster) with its TTL and, if it has none, its length. */
    public static List<Key> keys(RedisDeployment redis) {
        List<Key> keys = new ArrayList<>();
        for (Object name : (List<?>) redis.call("KEYS", "*")) {
            String key = (String) name;
            long pttl = (Long) redis.call("PTTL", key);
            if (pttl == -2) {
                continue; // expired meanwhile
            }
            String type = pttl == -1 ? (String) redis.call("TYPE", key) : "";
            keys.add(new Key(key, type, pttl, pttl == -1 ? length(redis, key, type) : 0));
        }
        return keys;
    }

    private static long length(RedisDeployment redis, String key, String type) {
        Object length = switch (type) {
            case "stream" -> redis.call("XLEN", key);
            case "zset" -> redis.call("ZCARD", key);
            case "hash" -> redis.call("HLEN", key);
            case "set" -> redis.call("SCARD", key);
            case "list" -> redis.call("LLEN", key);
            default -> 1L;
        };
        return (Long) length;
    }

    /** The keys that neither expire nor belong to a bounded set, each with what is wrong with it. */
    public static List<String> unbounded(List<Key> keys) {
        List<String> problems = new ArrayList<>();
        for (Key key : keys) {
            if (key.pttl() >= 0) {
                continue;
            }
            String name = key.name();
            if (RedisKeys.QUERY_STREAMS.contains(name) || name.equals(RedisKeys.RETRY_SET)) {
                if (key.length() > 0) {
                    problems.add(name + " still holds " + key.length() + " entries after the run drained");
                }
            } else if (!boundedWithoutTtl(name)) {
                problems.add(name + " (" + key.type() + ", " + key.length() + ") has no TTL");
            }
        }
        return problems;
    }

    private static boolean boundedWithoutTtl(String name) {
        return name.equals(RedisKeys.QUERY_ID_COUNTER)
                || name.equals(RedisKeys.DEAD_LETTER_STREAM)
                || name.equals(RedisKeys.API_KEY_INDEX)
                || name.equals(RedisKeys.ACTIVE_BATCHES)
                || name.startsWith("llmq:api-key:{")
                || (name.startsWith("llmq:tenant:{") && name.endsWith("}:limits"));
    }
}
