package dev.llmq.shared.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.cluster.ClusterSlotRange;

/**
 * Groups keys of a Redis Cluster by the shard (primary and its replicas) serving them, as the cluster's slot map says
 * now ({@code CLUSTER SLOTS}, one round trip), so that each group can be written in a pipeline whose {@code WAIT}
 * answers for one primary: Redisson adds up the replicas confirming each primary of a pipeline, so a pipeline over two
 * primaries could count one primary's replica for the other.
 */
final class ClusterShards {

    static final int SLOTS = 16384;

    private ClusterShards() {}

    /** {@code items} in groups, one per shard serving their keys, each in the order given. */
    static <T> Collection<List<T>> group(RedissonClient redis, List<T> items, Function<T, String> key) {
        Map<ClusterSlotRange, Set<String>> slotMap = redis.getRedisNodes(RedisNodes.CLUSTER)
                .getMasters()
                .iterator()
                .next()
                .clusterSlots();
        Map<Object, List<T>> groups = new LinkedHashMap<>();
        for (T item : items) {
            int slot = slotOf(key.apply(item));
            Object shard = slotMap.entrySet().stream()
                    .filter(range -> range.getKey().hasSlot(slot))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no node of the cluster serves slot " + slot));
            groups.computeIfAbsent(shard, any -> new ArrayList<>()).add(item);
        }
        return groups.values();
    }

    /**
     * The hash slot of {@code key}, as {@code CLUSTER KEYSLOT} computes it: CRC16 (XMODEM) of its hash tag (what is
     * between its first <code>{</code> and the first <code>}</code> after it, when not empty), else of the whole key,
     * modulo 16384.
     */
    static int slotOf(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        int to = bytes.length;
        int open = indexOf(bytes, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(bytes, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc % SLOTS;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
