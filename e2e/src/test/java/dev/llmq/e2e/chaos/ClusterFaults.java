package dev.llmq.e2e.chaos;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.TestRedisCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The loss of a Redis Cluster primary during a chaos run: kill -9 of the node, its replica promoted (by the cluster
 * itself, or forced with {@code CLUSTER FAILOVER FORCE} if that takes too long), the dead node restarted to rejoin as
 * a replica; each step timed and the fault recorded on the {@link ChaosTimeline}.
 *
 * <p>Replication is asynchronous, so writes the primary acknowledged just before it died may never have reached its
 * replica: the run opens a durability gap from {@link #UNREPLICATED} before the kill to as long after it (a reply
 * reaches the load's clock a little after the primary sent it), within which lost or repeated writes are counted
 * apart. Queries in progress at the kill may have their LLM call repeated once.
 */
public final class ClusterFaults {

    /** How long before a primary's death it may have acknowledged writes its replica never got. */
    public static final Duration UNREPLICATED = Duration.ofSeconds(1);

    private final TestRedisCluster nodes;
    private final ChaosTimeline timeline;
    private final OutcomeObserver observer;

    public ClusterFaults(TestRedisCluster nodes, ChaosTimeline timeline, OutcomeObserver observer) {
        this.nodes = nodes;
        this.timeline = timeline;
        this.observer = observer;
    }

    /** What a failover took: from the kill until a replica served the slots and until the cluster was ok again. */
    public record Failover(
            String killed, String promoted, boolean forced, long promotedAfterMillis, long okAfterMillis) {

        @Override
        public String toString() {
            return "primary " + killed + " killed; replica " + promoted + " seen as its successor after "
                    + promotedAfterMillis + " ms (" + (forced ? "forced with CLUSTER FAILOVER FORCE" : "automatic")
                    + "), every node agreeing and ok after " + okAfterMillis + " ms";
        }
    }

    /**
     * kill -9 of the primary that holds {@code key}'s slot; waits up to {@code automaticWithin} for its replica to take
     * over, else forces it; returns once the cluster is ok.
     */
    public Failover killPrimaryOf(String key, Duration automaticWithin) {
        String victim = nodes.primaryOf(key);
        String replica = nodes.replicasOf(victim).getFirst();
        long start = System.currentTimeMillis();
        Set<Long> inProgress = new HashSet<>(RedisAudit.inProgress(nodes));
        nodes.kill(victim);
        boolean forced = false;
        try {
            await().atMost(automaticWithin)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> replica.equals(nodes.primaryOf(key)));
        } catch (ConditionTimeoutException ex) {
            nodes.failover(replica);
            forced = true;
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> replica.equals(nodes.primaryOf(key)));
        }
        long promoted = System.currentTimeMillis();
        nodes.awaitHealthy(Duration.ofSeconds(30));
        long ok = System.currentTimeMillis();
        // and what the promoted replica holds pending: an acknowledgement (a finish, a retry being scheduled) that the
        // kill took back with the writes it had not replicated puts its entry back, and that query repeats a call
        inProgress.addAll(RedisAudit.inProgress(nodes));
        timeline.excuseQueries(inProgress);
        timeline.durabilityGap(start - UNREPLICATED.toMillis(), start + UNREPLICATED.toMillis());
        observer.watchNewNodes();
        timeline.record("kill-primary", victim, start);
        return new Failover(victim, replica, forced, promoted - start, ok - start);
    }

    /**
     * Starts the killed node again and waits until it is back as a replica in sync with its primary; returns how long
     * that took (ms).
     */
    public long restart(String node) {
        long start = System.currentTimeMillis();
        nodes.restart(node);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> nodes.replicas().contains(node));
        // a replica killed (or forced to take over) before its first sync has finished would lose the primary's data
        nodes.awaitReplicaInSync(node, Duration.ofSeconds(30));
        nodes.awaitHealthy(Duration.ofSeconds(30));
        timeline.record("restart-node", node, start);
        return System.currentTimeMillis() - start;
    }

    /** The longest time between two accepted submissions (ms): how long clients could not submit at all. */
    public static long longestWithoutAcceptance(List<ChaosLoad.Accepted> accepted) {
        long[] times = accepted.stream()
                .mapToLong(ChaosLoad.Accepted::acceptedAtMillis)
                .sorted()
                .toArray();
        long longest = 0;
        for (int i = 1; i < times.length; i++) {
            longest = Math.max(longest, times[i] - times[i - 1]);
        }
        return longest;
    }
}
