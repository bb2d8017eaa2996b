package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.testing.RedisDeployment;
import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * Pub/sub (outcomes, answer pieces, cancellations) between separate clients, and the batch store's scripts and
 * pipelines, against a real Redis; {@link RedisNotificationsAndBatchesOnClusterIT} runs them on a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisNotificationsAndBatchesIT {

    static final Duration TTL = Duration.ofHours(1);
    private static final TenantId ACME = new TenantId("acme");

    @RegisterExtension
    final RedisExtension server = redisUnderTest();

    /** The api replica's client and the worker's: each holds its own subscriptions. */
    RedissonClient api;

    RedissonClient worker;

    RedisExtension redisUnderTest() {
        return new RedisServerExtension();
    }

    @BeforeAll
    void connect() {
        api = server.redis().connect("test-api");
        worker = server.redis().connect("test-worker");
    }

    @AfterAll
    void disconnect() {
        api.shutdown();
        worker.shutdown();
    }

    @BeforeEach
    void emptyRedis() {
        redis().flushAll();
        new RedisWorkQueue(worker, "worker", TTL).ensureGroup();
    }

    RedisDeployment redis() {
        return server.redis();
    }

    /** Submits queries through the api's client and finishes them through the worker's; returns their ids. */
    List<QueryId> finishQueries(int count) {
        RedisQueryQueue queue = new RedisQueryQueue(api, Clock.systemUTC(), TTL);
        RedisWorkQueue work = new RedisWorkQueue(worker, "worker", TTL);
        List<QueryId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(queue.submit("question " + i).id());
        }
        List<Delivery> deliveries = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> deliveries.addAll(work.read(count, Duration.ofMillis(50))) && deliveries.size() >= count
                        || deliveries.size() >= count);
        deliveries.forEach(delivery -> work.finish(delivery, answer(delivery.query())));
        return ids;
    }

    @Test
    void everyOutcomeReachesTheOtherClientsPatternSubscription() {
        Set<QueryId> received = ConcurrentHashMap.newKeySet();
        try (ResultNotifications notifications = new RedisResultNotifications(api)) {
            notifications.subscribe(new ResultNotifications.Listener() {
                @Override
                public void onOutcome(QueryId id, String json) {
                    received.add(id);
                }

                @Override
                public void onResubscribed() {}
            });

            List<QueryId> ids = finishQueries(12);

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(received).containsExactlyInAnyOrderElementsOf(ids));
        }
    }

    @Test
    void answerPiecesAreKeptAndAnnouncedToTheOtherClient() {
        Map<Integer, String> heard = new ConcurrentHashMap<>();
        QueryId id = new QueryId(7);
        try (AnswerDeltas listening = new RedisAnswerDeltas(api, TTL);
                AnswerDeltas writing = new RedisAnswerDeltas(worker, TTL)) {
            listening.subscribe((delta, offset, text) -> {
                if (delta.equals(id)) {
                    heard.put(offset, text);
                }
            });
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                writing.append(id, 0, "Hel");
                assertThat(heard).containsKey(0);
            });

            writing.append(id, 3, "lo");

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () -> assertThat(heard).containsEntry(0, "Hel").containsEntry(3, "lo"));
            assertThat(listening.readFrom(id, 1)).isEqualTo("ello");
        }
    }

    @Test
    void aCancelOnTheApiReachesEveryWorkersSubscription() {
        Set<QueryId> heardByA = ConcurrentHashMap.newKeySet();
        Set<QueryId> heardByB = ConcurrentHashMap.newKeySet();
        try (QueryCancellations a = new RedisQueryCancellations(worker);
                QueryCancellations b = new RedisQueryCancellations(api)) {
            a.subscribe(heardByA::add);
            b.subscribe(heardByB::add);
            RedisQueryQueue queue = new RedisQueryQueue(api, Clock.systemUTC(), TTL);
            RedisQueryControl control = new RedisQueryControl(
                    api, new RedisResultStore(api), Clock.systemUTC(), TTL, ReplicaConfirmation.NONE);

            Query query = queue.submit("cancel me");
            assertThat(control.cancel(query.id(), TenantId.LOCAL))
                    .isInstanceOf(QueryControl.CancelResult.Cancelled.class);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(heardByA).contains(query.id());
                assertThat(heardByB).contains(query.id());
            });
        }
    }

    @Test
    void aFileIsStoredListedReadAndDeletedWithItsContent() {
        RedisBatchStore store = new RedisBatchStore(api, Clock.systemUTC(), TTL, TTL);
        byte[] content = "{\"custom_id\":\"a\"}\n".getBytes(StandardCharsets.UTF_8);

        store.saveFile(ACME, "file-1", System.currentTimeMillis(), Map.of("purpose", "batch"), content, TTL);

        assertThat(store.fileMeta(ACME, "file-1")).hasValue(Map.of("purpose", "batch"));
        assertThat(store.fileContent(ACME, "file-1"))
                .hasValueSatisfying(bytes -> assertThat(bytes).isEqualTo(content));
        assertThat(store.fileIds(ACME, 10, null)).containsExactly("file-1");
        assertThat(store.deleteFile(ACME, "file-1")).isTrue();
        assertThat(store.fileContent(ACME, "file-1")).isEmpty();
        assertThat(store.fileIds(ACME, 10, null)).isEmpty();
    }

    @Test
    void aBatchsLinesAreEnqueuedOnceAndTheirResultsRecordedOnceUnderOneLease() {
        RedisBatchStore store = new RedisBatchStore(api, Clock.systemUTC(), TTL, TTL);
        BatchStore.BatchRef batch = new BatchStore.BatchRef(ACME, "batch-1");
        store.createBatch(ACME, "batch-1", System.currentTimeMillis(), Map.of("status", "in_progress"), true, TTL);
        assertThat(store.tryLease(batch, "replica-a", Duration.ofSeconds(30))).isTrue();
        assertThat(store.tryLease(batch, "replica-b", Duration.ofSeconds(30))).isFalse();
        List<BatchStore.Line> lines = List.of(
                new BatchStore.Line("a", QueryRequest.ofPrompt("one")),
                new BatchStore.Line("b", QueryRequest.ofPrompt("two")));

        List<QueryId> ids = store.submitLines(batch, 0, lines, Submission.of(ACME), TTL);
        List<QueryId> again = store.submitLines(batch, 0, lines, Submission.of(ACME), TTL);

        assertThat(again).as("lines enqueued before keep their queries").isEqualTo(ids);
        assertThat(store.pendingLines(batch)).hasSize(2);
        assertThat(store.outcomes(ids)).containsOnly(BatchStore.IN_PROGRESS);
        BatchStore.ResultLine first = new BatchStore.ResultLine(0, true, "{\"custom_id\":\"a\"}");
        store.recordResults(batch, List.of(first));
        store.recordResults(batch, List.of(first, new BatchStore.ResultLine(1, false, "{\"custom_id\":\"b\"}")));
        assertThat(store.results(batch)).hasSize(2);
        assertThat(store.pendingLines(batch)).isEmpty();
        assertThat(store.batch(ACME, "batch-1"))
                .hasValueSatisfying(fields ->
                        assertThat(fields).containsEntry("completed", "1").containsEntry("failed", "1"));
        assertThat(store.activeBatches()).containsExactly(batch);
        store.releaseLease(batch, "replica-a");
        assertThat(store.tryLease(batch, "replica-b", Duration.ofSeconds(30))).isTrue();
    }

    static Outcome answer(Query query) {
        return Outcome.of(
                query,
                null,
                1,
                java.time.Instant.now(),
                new Outcome.Answered("answer to " + query.id(), "gpt-4o-mini", new Usage(3, 4), Timing.UNKNOWN));
    }
}
