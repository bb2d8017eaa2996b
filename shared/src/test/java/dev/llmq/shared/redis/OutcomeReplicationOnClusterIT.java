package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisCli;
import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.TestRedisCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * On a Redis Cluster whose primaries have replicas, a worker acknowledges a query's entry only once a replica has the
 * outcome: the entry and the outcome live on different primaries, and an outcome its primary never passed on is lost
 * in a failover while the acknowledgement, on another primary, would stand.
 */
class OutcomeReplicationOnClusterIT {

    private static final Duration TTL = Duration.ofHours(1);

    @RegisterExtension
    static RedisClusterExtension server = new RedisClusterExtension(3, 1);

    private static TestRedisCluster cluster;
    private static RedissonClient client;
    private static RedisQueryQueue queue;
    private static RedisWorkQueue worker;

    @BeforeAll
    static void connect() {
        cluster = server.redis();
        // every node agreeing on which are primaries (a fresh cluster's views differ for a moment: a FLUSHALL sent by
        // one node's view could reach a replica)
        cluster.awaitHealthy(Duration.ofSeconds(30));
        cluster.replicas().forEach(replica -> cluster.awaitReplicaInSync(replica, Duration.ofSeconds(30)));
        client = cluster.connect("test-replication");
        queue = new RedisQueryQueue(client, Clock.systemUTC(), TTL);
        worker = new RedisWorkQueue(client, "worker-a", TTL);
        worker.ensureGroup();
    }

    @BeforeEach
    void emptyCluster() {
        cluster.flushAll();
        worker.ensureGroup();
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @Test
    void whenFinishReturnsAReplicaHasTheOutcomeAndTheEntryIsAcknowledged() {
        Query query = queue.submit("replicated before acknowledged");
        Delivery delivery = only(query);
        assertThat(worker.begin(delivery, Instant.now())).isEmpty();

        assertThat(worker.finish(delivery, Outcomes.answered(query.id(), "kept twice")))
                .isTrue();

        String resultPrimary = cluster.primaryOf(RedisKeys.resultKey(query.id()));
        String replica = cluster.replicasOf(resultPrimary).getFirst();
        assertThat(readOnReplica(replica, RedisKeys.resultKey(query.id()))).contains("kept twice");
        assertThat(pending()).isZero();
        assertThat((String) cluster.callOn(resultPrimary, "INFO", "commandstats"))
                .contains("cmdstat_wait:");
    }

    @Test
    void anOutcomeNoReplicaConfirmedLeavesItsEntryPendingForWhoeverReclaimsIt() throws Exception {
        Query query = queue.submit("its replica is held up");
        Delivery delivery = only(query);
        assertThat(worker.begin(delivery, Instant.now())).isEmpty();
        String replica = cluster.replicasOf(cluster.primaryOf(RedisKeys.resultKey(query.id())))
                .getFirst();

        // the replica answers nothing, replication acknowledgements included, for longer than a finish waits for one
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> cluster.callOn(replica, "DEBUG", "SLEEP", "1.8"));
        Thread.sleep(200);
        assertThat(worker.finish(delivery, Outcomes.answered(query.id(), "on the primary alone")))
                .isTrue();

        assertThat(pending()).as("the entry stays pending").isOne();
        assertThat(cluster.call("GET", RedisKeys.resultKey(query.id())).toString())
                .contains("on the primary alone");
        asleep.join();

        RedisWorkQueue other = new RedisWorkQueue(client, "worker-b", TTL);
        List<Delivery> claimed = other.claimAbandoned(Duration.ZERO, 10, Set.of());
        assertThat(claimed)
                .singleElement()
                .satisfies(redelivered -> assertThat(other.begin(redelivered, Instant.now()))
                        .as("the stored outcome, so no LLM call")
                        .isPresent());
        other.discard(claimed.getFirst());
        assertThat(pending()).isZero();
    }

    private static Delivery only(Query query) {
        List<Delivery> deliveries = worker.read(10, Duration.ofMillis(500));
        assertThat(deliveries).singleElement().extracting(d -> d.query().id()).isEqualTo(query.id());
        return deliveries.getFirst();
    }

    private static long pending() {
        List<?> summary = (List<?>) cluster.call("XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP);
        return (Long) summary.getFirst();
    }

    private static String readOnReplica(String replica, String key) {
        int colon = replica.lastIndexOf(':');
        try (RedisCli cli = new RedisCli(replica.substring(0, colon), Integer.parseInt(replica.substring(colon + 1)))) {
            cli.call("READONLY");
            return String.valueOf(cli.call("GET", key));
        }
    }
}
