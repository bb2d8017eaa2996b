package dev.llmq.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.e2e.Cluster;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.shared.testing.TestRedisCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * llmq on a Redis Cluster (3 primaries, 3 replicas) losing a primary under sustained load: two api replicas, two
 * workers and the simulator; kill -9 of the primary that holds the queue (and a third of the results), its replica
 * promoted, the dead node restarted to rejoin as a replica. Then the load stops, the system drains, and {@link
 * ChaosInvariants} checks every accepted query, counting apart what the asynchronous replication may have lost (see
 * {@link ClusterFaults}).
 *
 * <p>One failover by default (CI); {@code -Dllmq.chaos.duration=PT10M} goes on killing random primaries: the soak.
 */
class ClusterChaosIT {

    private static final int MAX_ATTEMPTS = 3;
    /** The fixture's cluster-node-timeout is 2 s; a replica usually takes over within 2 to 5 s of the kill. */
    private static final Duration AUTOMATIC_FAILOVER = Duration.ofSeconds(15);

    @RegisterExtension
    static RedisClusterExtension redis = new RedisClusterExtension(3, 1);

    private static Cluster cluster;
    private static final List<Cluster.Api> apis = new ArrayList<>();
    private static final List<ServiceProcess> workers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(redis.redis());
        // two at a time beside the simulator: JVMs starting all at once on a small, busy machine take longer in all
        try (ExecutorService starting =
                Executors.newFixedThreadPool(2, Thread.ofVirtual().factory())) {
            Future<Cluster.Api> a = starting.submit(() -> cluster.startApi());
            Future<Cluster.Api> b = starting.submit(() -> cluster.startApi());
            cluster.startSimulator(
                    Duration.ofMillis(200),
                    "--llmq.simulator.per-token-delay=20ms",
                    "--llmq.simulator.request-log.capacity=1000000");
            Future<ServiceProcess> c = starting.submit(ClusterChaosIT::startWorker);
            Future<ServiceProcess> d = starting.submit(ClusterChaosIT::startWorker);
            apis.addAll(List.of(a.get(), b.get()));
            workers.addAll(List.of(c.get(), d.get()));
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcceptedQueryEndsOnceThroughTheLossOfThePrimaryHoldingTheQueue() {
        TestRedisCluster nodes = redis.redis();
        ChaosLoad.Settings settings = new ChaosLoad.Settings(
                10,
                200,
                0.3,
                new ChaosWaiter.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                ChaosLoad::failingOrSlowPrompt,
                13);
        long started = System.nanoTime();
        ChaosSummary summary;
        List<ClusterFaults.Failover> failovers = new ArrayList<>();
        try (ChaosRun run = ChaosRun.start(cluster, nodes, urls(), settings, MAX_ATTEMPTS)) {
            ClusterFaults faults = new ClusterFaults(nodes, run.timeline(), run.observer());
            pause();
            failovers.add(faults.killPrimaryOf(RedisKeys.QUERY_STREAM, AUTOMATIC_FAILOVER));
            pause();
            long rejoined = faults.restart(failovers.getLast().killed());
            System.out.printf(
                    "cluster chaos: %s; restarted, back as a replica after %d ms%n", failovers.getLast(), rejoined);
            pause();
            soak(faults, failovers);
            summary = run.finish(Duration.ofSeconds(60));
            System.out.printf(
                    "cluster chaos: %d s of load and draining; %d submissions refused or failed (while a slot had no"
                            + " primary), none accepted for %d ms at most, %d skipped%n",
                    (System.nanoTime() - started) / 1_000_000_000L,
                    run.load().refused(),
                    ClusterFaults.longestWithoutAcceptance(run.load().accepted()),
                    run.load().skipped());
        }

        assertThat(summary.violations()).as(summary.line()).isEmpty();
        // about 10 s of the 15 to 20 s of load are not spent in the failover, at 10 queries/s
        assertThat(summary.accepted()).as("queries accepted under load").isGreaterThan(50);
        assertThat(summary.waiters()).as("clients that waited").isGreaterThan(10);
        assertThat(nodes.primaryOf(RedisKeys.QUERY_STREAM))
                .as("the queue moved to the promoted replica")
                .isEqualTo(failovers.getFirst().promoted());
        assertThat(nodes.replicas())
                .as("every replica, the rejoined node among them")
                .hasSize(3)
                .contains(failovers.getFirst().killed())
                .allSatisfy(replica -> assertThat((String) nodes.callOn(replica, "CLIENT", "LIST"))
                        .as("no service reads from or subscribes on a replica after the failover")
                        .doesNotContain("name=llmq-"));
    }

    /** Kills random primaries, each followed by a restart of the killed node, for {@link ChaosSoak#duration()}. */
    private static void soak(ClusterFaults faults, List<ClusterFaults.Failover> failovers) {
        Random random = new Random(13);
        Instant ends = Instant.now().plus(ChaosSoak.duration());
        while (Instant.now().isBefore(ends)) {
            ClusterFaults.Failover failover = faults.killPrimaryOf(
                    RedisKeys.resultKey(new QueryId(1 + random.nextInt(1_000))), AUTOMATIC_FAILOVER);
            failovers.add(failover);
            pause();
            long rejoined = faults.restart(failover.killed());
            System.out.printf("cluster chaos: %s; restarted, back as a replica after %d ms%n", failover, rejoined);
            pause();
        }
    }

    private static ServiceProcess startWorker() {
        return cluster.startWorker(
                "--llmq.worker.max-attempts=" + MAX_ATTEMPTS,
                "--llmq.worker.reclaim-after=2s",
                "--llmq.worker.reap-interval=500ms",
                "--llmq.worker.retry-initial-delay=200ms",
                "--llmq.worker.retry-max-delay=1s",
                "--llmq.worker.max-in-flight=64");
    }

    private static List<String> urls() {
        return apis.stream().map(Cluster.Api::url).toList();
    }

    private static void pause() {
        ChaosFaults.hold(Duration.ofSeconds(3));
    }
}
