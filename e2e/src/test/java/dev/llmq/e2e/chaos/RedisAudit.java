package dev.llmq.e2e.chaos;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisDeployment;
import dev.llmq.shared.testing.TestRedis;
import dev.llmq.shared.testing.TestRedisCluster;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Reads what a chaos run left in Redis, the way an operator with {@code redis-cli} would. */
public final class RedisAudit {

    private static final Pattern QUERY_ID = Pattern.compile("\"id\":(\\d+)");

    private RedisAudit() {}

    /** The outcome JSON stored for each of {@code ids} that has one. */
    public static Map<Long, String> stored(RedisDeployment redis, Collection<Long> ids) {
        Map<Long, String> stored = new HashMap<>();
        for (long id : ids) {
            Object value = redis.call("GET", RedisKeys.RESULT_PREFIX + id);
            if (value != null) {
                stored.put(id, (String) value);
            }
        }
        return stored;
    }

    /** Whether {@code id} has a stored outcome. */
    public static boolean hasOutcome(RedisDeployment redis, long id) {
        return (Long) redis.call("EXISTS", RedisKeys.RESULT_PREFIX + id) == 1L;
    }

    /** Entries pending in the workers' group, by query stream (streams that do not exist are left out). */
    public static Map<String, Long> pending(RedisDeployment redis) {
        Map<String, Long> pending = new HashMap<>();
        for (String stream : RedisKeys.QUERY_STREAMS) {
            if ((Long) redis.call("EXISTS", stream) == 0L) {
                continue;
            }
            List<?> summary = (List<?>) redis.call("XPENDING", stream, RedisKeys.WORKER_GROUP);
            pending.put(stream, (Long) summary.getFirst());
        }
        return pending;
    }

    /**
     * The ids of the queries in progress now: those whose entries are pending in the workers' group (delivered to a
     * worker, not yet acknowledged), and those waiting in the retry set for their next attempt, which a fault may
     * catch as soon as it starts (a NetworkChaosIT run saw a query between two attempts when a blackhole began: its
     * last attempt's outcome could not be stored, so another worker reclaimed it and called once more).
     */
    public static Set<Long> inProgress(RedisDeployment redis) {
        Set<Long> ids = pendingIds(redis, null);
        for (Object retry : (List<?>) redis.call("ZRANGE", RedisKeys.RETRY_SET, "0", "-1")) {
            addQueryId((String) retry, ids);
        }
        return ids;
    }

    /** Adds the id of the query in {@code queryJson} (an entry's query field, a retry set member), if it has one. */
    private static void addQueryId(String queryJson, Set<Long> ids) {
        queryIdIn(queryJson).ifPresent(ids::add);
    }

    /** The id of the query in stream entry {@code entry}, if it still exists and holds one. */
    private static OptionalLong queryIdOfEntry(RedisDeployment redis, String stream, String entry) {
        List<?> found = (List<?>) redis.call("XRANGE", stream, entry, entry);
        if (found.isEmpty()) {
            return OptionalLong.empty();
        }
        List<?> fields = (List<?>) ((List<?>) found.getFirst()).get(1);
        return queryIdIn((String) fields.get(fields.indexOf(RedisKeys.QUERY_FIELD) + 1));
    }

    /** The id of the query in {@code queryJson} (an entry's query field, a retry set member), if it has one. */
    private static OptionalLong queryIdIn(String queryJson) {
        Matcher id = QUERY_ID.matcher(queryJson);
        return id.find() ? OptionalLong.of(Long.parseLong(id.group(1))) : OptionalLong.empty();
    }

    /** The ids of the queries whose entries (of any priority's stream) are pending for {@code consumer}. */
    public static Set<Long> pendingFor(RedisDeployment redis, String consumer) {
        return pendingIds(redis, consumer);
    }

    /** The ids of the queries pending in the workers' group: for {@code consumer}, or for any when it is null. */
    private static Set<Long> pendingIds(RedisDeployment redis, @Nullable String consumer) {
        Set<Long> ids = new HashSet<>();
        for (String stream : RedisKeys.QUERY_STREAMS) {
            if ((Long) redis.call("EXISTS", stream) == 0L) {
                continue;
            }
            List<String> args =
                    new ArrayList<>(List.of("XPENDING", stream, RedisKeys.WORKER_GROUP, "-", "+", "100000"));
            if (consumer != null) {
                args.add(consumer);
            }
            for (Object pending : (List<?>) redis.call(args.toArray(String[]::new))) {
                queryIdOfEntry(redis, stream, (String) ((List<?>) pending).getFirst())
                        .ifPresent(ids::add);
            }
        }
        return ids;
    }

    /**
     * Whether {@code consumer} is working on a query of the normal-priority stream: its entry is pending for the
     * consumer and its status record says running, so the worker has begun it and knows it holds it (an entry merely
     * delivered to it may never have reached it).
     */
    public static boolean working(RedisDeployment redis, String consumer) {
        for (Object pending : (List<?>)
                redis.call("XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP, "-", "+", "100", consumer)) {
            OptionalLong id = queryIdOfEntry(redis, RedisKeys.QUERY_STREAM, (String) ((List<?>) pending).getFirst());
            if (id.isPresent()
                    && redis.call("GET", RedisKeys.statusKey(new QueryId(id.getAsLong()))) instanceof String status
                    && status.contains("\"status\":\"running\"")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@code host:port} of every node of {@code redis} to watch with {@link OutcomeObserver}: the server, or a
     * cluster's primaries and replicas as the cluster reports them when asked.
     */
    public static Supplier<List<String>> nodes(RedisDeployment redis) {
        return switch (redis) {
            case TestRedis one -> () -> List.of(one.host() + ":" + one.port());
            case TestRedisCluster cluster ->
                () -> Stream.concat(cluster.primaries().stream(), cluster.replicas().stream())
                        .toList();
            default -> throw new IllegalArgumentException("no node list for " + redis);
        };
    }
}
