package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisClusterMaster;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether every primary of a Redis Cluster has a replica connected now (a replica in sync, as {@code INFO
 * replication} lists it on each), looked up again at most every {@code refresh}: a worker asks on each finish, and then
 * waits for a replica to hold the outcome before its entry, on another primary, is acknowledged. The lookup runs on
 * the asking thread while others use the last answer; until the first lookup succeeds the answer is no (llmq waits
 * for no replica, as on a cluster without any).
 */
final class ClusterReplicas {

    private static final Logger log = LoggerFactory.getLogger(ClusterReplicas.class);

    private final RedissonClient redis;
    private final long refreshNanos;
    private final ReentrantLock looking = new ReentrantLock();
    private volatile int count;
    private volatile long lookedAt;
    private volatile boolean lookedUp;

    ClusterReplicas(RedissonClient redis, Duration refresh) {
        this.redis = redis;
        this.refreshNanos = refresh.toNanos();
    }

    /** Whether every primary had at least one replica connected when last looked up. */
    boolean everyPrimaryHasOne() {
        if ((!lookedUp || System.nanoTime() - lookedAt >= refreshNanos) && looking.tryLock()) {
            try {
                lookUp();
            } finally {
                looking.unlock();
            }
        }
        return count > 0;
    }

    /** After a replica failed to confirm in time: look again on the next question. */
    void lookAgain() {
        lookedAt = System.nanoTime() - refreshNanos;
    }

    /**
     * Replicas that have finished their sync ({@code slaveN:ip=...,state=online,...}): one still loading the primary's
     * data acknowledges nothing yet.
     */
    private static int online(Map<String, String> replication) {
        int online = 0;
        for (Map.Entry<String, String> field : replication.entrySet()) {
            if (field.getKey().matches("slave\\d+") && field.getValue().contains("state=online")) {
                online++;
            }
        }
        return online;
    }

    private void lookUp() {
        lookedAt = System.nanoTime();
        try {
            Collection<RedisClusterMaster> primaries =
                    redis.getRedisNodes(RedisNodes.CLUSTER).getMasters();
            if (primaries.isEmpty()) {
                return;
            }
            int least = Integer.MAX_VALUE;
            for (RedisClusterMaster primary : primaries) {
                least = Math.min(least, online(primary.info(RedisNode.InfoSection.REPLICATION)));
            }
            if ((least > 0) != (count > 0) || !lookedUp) {
                log.info(
                        least > 0
                                ? "Every Redis Cluster primary has a replica in sync (at least {}): a query's entry"
                                        + " is acknowledged once a replica has its outcome"
                                : "A Redis Cluster primary has no replica in sync ({}): entries are acknowledged"
                                        + " once the outcome's primary has it",
                        least);
            }
            count = least;
            lookedUp = true;
        } catch (RuntimeException ex) {
            log.debug("Could not count the cluster's replicas; using {} until the next look: {}", count, ex.toString());
        }
    }
}
