package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisCli;
import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.TestRedisCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * in a failover while the acknowledgement, on another primary, would stand. A batch's lines submitted with
 * confirmation asked for are on the replica of every primary they were written to.
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
        assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);

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
        assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);
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
                        .isInstanceOf(Begun.Finished.class));
        other.discard(claimed.getFirst());
        assertThat(pending()).isZero();
    }

    @Test
    void slotsAreTheOnesTheClusterComputes() {
        for (String key : List.of(
                "a",
                RedisKeys.QUERY_STREAM,
                RedisKeys.QUERY_ID_COUNTER,
                RedisKeys.statusKey(new QueryId(12345)),
                "foo{}{bar}",
                "foo{{bar}}zap",
                "{user1000}.following",
                "{}",
                "caf\u00e9 {\u00fcber}")) {
            assertThat((long) ClusterShards.slotOf(key)).as(key).isEqualTo(cluster.call("CLUSTER", "KEYSLOT", key));
        }
    }

    @Test
    void aConfirmedBatchsLinesAreOnTheReplicaOfEveryPrimaryTheyWereWrittenTo() {
        RedisBatchStore store = new RedisBatchStore(
                client, Clock.systemUTC(), TTL, TTL, () -> null, new ReplicaConfirmation(1, Duration.ofSeconds(10)));
        TenantId tenant = new TenantId("confirmed");
        BatchStore.BatchRef ref = new BatchStore.BatchRef(tenant, "batch-confirmed");
        store.createBatch(tenant, ref.batchId(), System.currentTimeMillis(), Map.of("submitted_lines", "0"), true, TTL);

        List<QueryId> ids = store.submitLines(ref, 0, lines(12), Submission.of(tenant), TTL);

        assertThat(ids.stream()
                        .map(id -> cluster.primaryOf(RedisKeys.statusKey(id)))
                        .distinct())
                .as("statuses spread over the primaries")
                .hasSize(cluster.primaries().size());
        for (QueryId id : ids) {
            String replica = cluster.replicasOf(cluster.primaryOf(RedisKeys.statusKey(id)))
                    .getFirst();
            assertThat(readOnReplica(replica, RedisKeys.statusKey(id)))
                    .as("status of " + id)
                    .contains("queued");
        }
    }

    @Test
    void aBatchsLinesAreRefusedWhenOnePrimarysReplicaDoesNotConfirm() throws Exception {
        RedisBatchStore store = new RedisBatchStore(
                client, Clock.systemUTC(), TTL, TTL, () -> null, new ReplicaConfirmation(1, Duration.ofMillis(800)));
        TenantId tenant = new TenantId("held-up");
        BatchStore.BatchRef ref = new BatchStore.BatchRef(tenant, "batch-held-up");
        store.createBatch(tenant, ref.batchId(), System.currentTimeMillis(), Map.of("submitted_lines", "0"), true, TTL);
        // one replica of three held up: the other two confirming their primaries' statuses must not count for it
        String streamPrimary = cluster.primaryOf(RedisKeys.QUERY_STREAM);
        String heldUp = cluster.replicasOf(cluster.primaries().stream()
                        .filter(primary -> !primary.equals(streamPrimary))
                        .findFirst()
                        .orElseThrow())
                .getFirst();

        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> cluster.callOn(heldUp, "DEBUG", "SLEEP", "2"));
        Thread.sleep(200);
        assertThatThrownBy(() -> store.submitLines(ref, 0, lines(12), Submission.of(tenant), TTL))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("(statuses)");
        asleep.join();

        assertThat(store.batch(tenant, ref.batchId()))
                .hasValueSatisfying(fields -> assertThat(fields).containsEntry("submitted_lines", "0"));
    }

    @Test
    void aCancelIsAnsweredOnlyOnceTheReplicaOfItsOutcomesPrimaryHasIt() throws Exception {
        RedisQueryControl control = new RedisQueryControl(
                client,
                new RedisResultStore(client),
                Clock.systemUTC(),
                TTL,
                new ReplicaConfirmation(1, Duration.ofMillis(800)));
        Query kept = queue.submit("cancelled and kept twice");
        assertThat(control.cancel(kept.id(), kept.tenant())).isInstanceOf(QueryControl.CancelResult.Cancelled.class);
        String keptPrimary = cluster.primaryOf(RedisKeys.resultKey(kept.id()));
        assertThat(readOnReplica(cluster.replicasOf(keptPrimary).getFirst(), RedisKeys.resultKey(kept.id())))
                .contains("\"status\":\"cancelled\"");

        // a query whose outcome lives on another primary than its tenant's in-flight set, whose replica confirming
        // must not count for the outcome's
        String tenantPrimary = cluster.primaryOf(RedisKeys.tenantInFlightKey(kept.tenant()));
        Query held = queue.submit("its outcome's replica is held up");
        while (cluster.primaryOf(RedisKeys.resultKey(held.id())).equals(tenantPrimary)) {
            held = queue.submit("its outcome's replica is held up");
        }
        Query cancelled = held;
        String heldUp = cluster.replicasOf(cluster.primaryOf(RedisKeys.resultKey(cancelled.id())))
                .getFirst();
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> cluster.callOn(heldUp, "DEBUG", "SLEEP", "2"));
        Thread.sleep(200);

        assertThatThrownBy(() -> control.cancel(cancelled.id(), cancelled.tenant()))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("query " + cancelled.id() + "'s cancel was written on the primary");
        asleep.join();
        assertThat(control.cancel(cancelled.id(), cancelled.tenant()))
                .isInstanceOf(QueryControl.CancelResult.AlreadyEnded.class);
    }

    private static List<BatchStore.Line> lines(int n) {
        List<BatchStore.Line> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(new BatchStore.Line("line-" + i, QueryRequest.ofPrompt("line " + i)));
        }
        return lines;
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
