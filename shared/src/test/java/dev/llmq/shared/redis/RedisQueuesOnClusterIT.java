package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.TestRedisCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * {@link RedisQueuesIT} on a Redis Cluster of three primaries: each script and pipeline must keep its keys in one slot
 * (or Redis answers CROSSSLOT), and notifications must reach subscribers on whichever node they listen.
 */
class RedisQueuesOnClusterIT extends RedisQueuesIT {

    @Override
    RedisExtension redisUnderTest() {
        return new RedisClusterExtension();
    }

    /**
     * The outcome and the stream entry live on different primaries, which run a pipeline's parts in any order: while
     * the outcome's primary is held up, the entry must stay pending, since an acknowledged entry with no stored
     * outcome is a lost query if the outcome never lands.
     */
    @Test
    void anEntryIsAcknowledgedOnlyOnceItsOutcomeIsStoredOnAnotherPrimary() {
        TestRedisCluster cluster = (TestRedisCluster) server.redis();
        RedissonClient client = cluster.connect("test-ordering");
        try {
            RedisQueryQueue queue = new RedisQueryQueue(client, Clock.systemUTC(), Duration.ofHours(1));
            RedisWorkQueue worker = new RedisWorkQueue(client, "worker-ordering", Duration.ofHours(1));
            worker.ensureGroup();
            String streamPrimary = cluster.primaryOf(RedisKeys.QUERY_STREAM);
            Query query = queue.submit("on another primary");
            while (cluster.primaryOf(RedisKeys.resultKey(query.id())).equals(streamPrimary)) {
                query = queue.submit("on another primary");
            }
            Query chosen = query;
            Delivery delivery = worker.read(100, Duration.ofMillis(100)).stream()
                    .filter(d -> d.query().id().equals(chosen.id()))
                    .findFirst()
                    .orElseThrow();
            String resultPrimary = cluster.primaryOf(RedisKeys.resultKey(chosen.id()));
            Outcome outcome = Outcome.of(
                    chosen,
                    null,
                    1,
                    Instant.now(),
                    new Outcome.Failed(new QueryError(QueryError.LLM_ERROR, "boom"), Timing.UNKNOWN));

            cluster.callOn(resultPrimary, "CLIENT", "PAUSE", "1200", "WRITE");
            CompletableFuture<Boolean> finished = CompletableFuture.supplyAsync(() -> worker.finish(delivery, outcome));

            await().during(Duration.ofMillis(800))
                    .atMost(Duration.ofMillis(1100))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> pending(cluster, delivery) || stored(cluster, chosen));
            assertThat(finished.join()).isTrue();
            assertThat(stored(cluster, chosen)).isTrue();
            assertThat(pending(cluster, delivery)).isFalse();
        } finally {
            client.shutdown();
        }
    }

    /**
     * A query's status and its stream entry live on different primaries: while the status's primary is held up, the
     * entry must not be on the stream yet, or a worker reading it at once would mark nothing running and the late
     * status would outlive the outcome.
     */
    @Test
    void aQuerysEntryReachesTheStreamOnlyAfterItsStatusSoItsWorkerMarksItRunning() {
        TestRedisCluster cluster = (TestRedisCluster) server.redis();
        RedissonClient client = cluster.connect("test-ordering");
        try {
            RedisQueryQueue queue = new RedisQueryQueue(client, Clock.systemUTC(), Duration.ofHours(1));
            RedisWorkQueue worker = new RedisWorkQueue(client, "worker-ordering", Duration.ofHours(1));
            worker.ensureGroup();
            queue.submit("opens the client's connections to every primary first");
            Object entriesBefore = cluster.call("XLEN", RedisKeys.QUERY_STREAM);
            // the status on a third primary: neither the stream's nor that of the id counter (INCR must not wait)
            List<String> others =
                    List.of(cluster.primaryOf(RedisKeys.QUERY_STREAM), cluster.primaryOf(RedisKeys.QUERY_ID_COUNTER));
            long next = Long.parseLong(String.valueOf(cluster.call("INCR", RedisKeys.QUERY_ID_COUNTER))) + 1;
            while (others.contains(cluster.primaryOf(RedisKeys.statusKey(new QueryId(next))))) {
                next = Long.parseLong(String.valueOf(cluster.call("INCR", RedisKeys.QUERY_ID_COUNTER))) + 1;
            }
            String statusPrimary = cluster.primaryOf(RedisKeys.statusKey(new QueryId(next)));

            cluster.callOn(statusPrimary, "CLIENT", "PAUSE", "1500", "WRITE");
            CompletableFuture<Query> submitted = CompletableFuture.supplyAsync(() -> queue.submit("status first"));

            await().during(Duration.ofMillis(1000))
                    .atMost(Duration.ofMillis(1400))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.call("XLEN", RedisKeys.QUERY_STREAM).equals(entriesBefore));
            Query query = submitted.join();
            assertThat(query.id().value()).isEqualTo(next);
            Delivery delivery = worker.read(10, Duration.ofMillis(500)).stream()
                    .filter(d -> d.query().id().equals(query.id()))
                    .findFirst()
                    .orElseThrow();
            assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);
            assertThat(new RedisResultStore(client).lookup(query.id()))
                    .isInstanceOfSatisfying(
                            QueryLookup.InProgress.class,
                            inProgress ->
                                    assertThat(inProgress.state().status()).isEqualTo(QueryStatus.RUNNING));
        } finally {
            client.shutdown();
        }
    }

    /**
     * The cancellations channel and the result key live on different primaries: while the result's primary is held
     * up, no worker may hear the cancel yet, or it would store its own outcome first and the client's cancel would be
     * answered as refused.
     */
    @Test
    void aCancelIsAnnouncedOnlyOnceTheCancelledOutcomeIsStored() {
        TestRedisCluster cluster = (TestRedisCluster) server.redis();
        RedissonClient client = cluster.connect("test-ordering");
        Set<QueryId> heard = ConcurrentHashMap.newKeySet();
        try (QueryCancellations cancellations = new RedisQueryCancellations(client)) {
            cancellations.subscribe(heard::add);
            RedisQueryQueue queue = new RedisQueryQueue(client, Clock.systemUTC(), Duration.ofHours(1));
            RedisResultStore store = new RedisResultStore(client);
            RedisQueryControl control = new RedisQueryControl(
                    client, store, Clock.systemUTC(), Duration.ofHours(1), ReplicaConfirmation.NONE);
            String channelPrimary = cluster.primaryOf(RedisKeys.CANCELLATIONS_CHANNEL);
            Query query = queue.submit("cancel me");
            while (cluster.primaryOf(RedisKeys.resultKey(query.id())).equals(channelPrimary)) {
                query = queue.submit("cancel me");
            }
            Query chosen = query;
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                client.getTopic(RedisKeys.CANCELLATIONS_CHANNEL).publish("999999999");
                return heard.contains(new QueryId(999_999_999));
            });

            cluster.callOn(cluster.primaryOf(RedisKeys.resultKey(chosen.id())), "CLIENT", "PAUSE", "1500", "WRITE");
            CompletableFuture<QueryControl.CancelResult> cancelled =
                    CompletableFuture.supplyAsync(() -> control.cancel(chosen.id(), chosen.tenant()));

            await().during(Duration.ofMillis(1000))
                    .atMost(Duration.ofMillis(1400))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !heard.contains(chosen.id()) || stored(cluster, chosen));
            assertThat(cancelled.join()).isInstanceOf(QueryControl.CancelResult.Cancelled.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains(chosen.id()));
        } finally {
            client.shutdown();
        }
    }

    private static boolean pending(TestRedisCluster cluster, Delivery delivery) {
        List<?> entries = (List<?>) cluster.call(
                "XPENDING",
                RedisKeys.QUERY_STREAM,
                RedisKeys.WORKER_GROUP,
                delivery.entryId(),
                delivery.entryId(),
                "1");
        return !entries.isEmpty();
    }

    private static boolean stored(TestRedisCluster cluster, Query query) {
        return cluster.call("EXISTS", RedisKeys.resultKey(query.id())).equals(1L);
    }
}
