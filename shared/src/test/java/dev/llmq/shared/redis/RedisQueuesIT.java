package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.query.TraceParent;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisCli;
import dev.llmq.shared.testing.RedisDeployment;
import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisQueuesIT {

    @RegisterExtension
    final RedisExtension server = redisUnderTest();

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T10:00:00Z"), ZoneOffset.UTC);
    private static final Duration TTL = Duration.ofHours(1);
    private RedissonClient client;

    private QueryQueue queue;
    private RedisWorkQueue workerA;
    private RedisWorkQueue workerB;
    private ResultStore results;

    /**
     * The Redis these tests run on: one server here, a Redis Cluster in {@code RedisQueuesOnClusterIT}, Sentinel in
     * {@code RedisQueuesOnSentinelIT}.
     */
    RedisExtension redisUnderTest() {
        return new RedisServerExtension();
    }

    @BeforeAll
    void connect() {
        client = server.redis().connect("test");
    }

    @AfterAll
    void disconnect() {
        client.shutdown();
    }

    @BeforeEach
    void emptyRedis() {
        redis().flushAll();
        queue = new RedisQueryQueue(client, CLOCK, TTL);
        workerA = new RedisWorkQueue(client, "worker-a", TTL);
        workerB = new RedisWorkQueue(client, "worker-b", TTL);
        results = new RedisResultStore(client);
        workerA.ensureGroup();
    }

    @Test
    void readsTheStoredOfManyResultsAtOnce() {
        List<QueryId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(queue.submit("looked up together " + i).id());
        }
        for (QueryId id : List.of(ids.get(1), ids.get(3))) {
            redis().call("SET", RedisKeys.resultKey(id), "{\"id\":" + id.value() + "}");
        }
        boolean oneServer = redis() instanceof TestRedis;
        if (oneServer) {
            redis().call("CONFIG", "RESETSTAT");
        }

        Map<QueryId, String> stored = results.outcomes(ids);

        assertThat(stored)
                .containsOnlyKeys(ids.get(1), ids.get(3))
                .containsEntry(ids.get(3), "{\"id\":" + ids.get(3).value() + "}");
        if (oneServer) {
            Map<String, Long> calls = new java.util.HashMap<>(((TestRedis) redis()).commandCalls());
            calls.remove("config|resetstat");
            calls.remove("ping");
            assertThat(calls).as("one command for all of them").isEqualTo(Map.of("mget", 1L));
        }
    }

    @Test
    void submittingCostsAnIdTheStatusWithItsExpiryAndTheEntryWithoutAScript() {
        assumeTrue(redis() instanceof TestRedis, "counts the commands of one server");
        TestRedis server = (TestRedis) redis();
        redis().call("CONFIG", "RESETSTAT");

        Query query = queue.submit("Count my commands");

        Map<String, Long> calls = new java.util.HashMap<>(server.commandCalls());
        calls.remove("config|resetstat");
        calls.remove("ping");
        assertThat(calls).isEqualTo(Map.of("incr", 1L, "psetex", 1L, "xadd", 1L));
        assertThat((Long) redis().call("PTTL", RedisKeys.statusKey(query.id())))
                .isBetween(TTL.toMillis() - 60_000, TTL.toMillis());
    }

    @Test
    void aQueryOfATenantWithoutACapCostsItsLookupOneCommandItsBeginOneAndItsFinishOneRoundTrip() {
        assumeTrue(redis() instanceof TestRedis, "counts the commands of one server");
        TestRedis server = (TestRedis) redis();
        Query query = queue.submit("Count the rest");
        Delivery delivery = workerA.read(10, Duration.ofMillis(100)).getFirst();
        redis().call("CONFIG", "RESETSTAT");

        assertThat(results.lookup(query.id())).isInstanceOf(QueryLookup.InProgress.class);
        assertThat(workerA.begin(delivery, CLOCK.instant())).isInstanceOf(Begun.Running.class);
        assertThat(workerA.finish(delivery, answer(query.id(), "counted"), false))
                .isTrue();

        Map<String, Long> calls = new java.util.HashMap<>(server.commandCalls());
        calls.remove("config|resetstat");
        calls.remove("ping");
        // the finish script's EVAL runs DEL (the status record, whose existence says Redis knows the query), SET and
        // PUBLISH; no DEL of a partial answer (none streamed in this first delivery's first attempt), no ZREM (the
        // tenant had no in-flight cap)
        assertThat(calls)
                .isEqualTo(Map.of("mget", 1L, "set", 2L, "eval", 1L, "publish", 1L, "del", 1L, "xack", 1L, "xdel", 1L));
        assertThat(results.lookup(query.id())).isInstanceOf(QueryLookup.Completed.class);
    }

    @Test
    void aPartialAnswerGoesWithTheOutcomeWhoeverMayHaveStreamedIt() {
        Query streamedHere = queue.submit("streamed by this delivery");
        Query streamedByTheDead = queue.submit("streamed by a worker that died");
        Query streamedByAnEarlierAttempt = queue.submit("streamed by a failed attempt");
        List<Delivery> deliveries = workerA.read(3, Duration.ofMillis(100));
        List.of(streamedHere, streamedByTheDead, streamedByAnEarlierAttempt)
                .forEach(query -> redis().call("SET", RedisKeys.partialAnswerKey(query.id()), "Hel"));

        workerA.finish(deliveries.get(0), answer(streamedHere.id(), "Hello"), true);
        deliveries.subList(1, 3).forEach(delivery -> awaitIdle(delivery.entryId(), 200));
        Delivery reclaimed = workerB.claimAbandoned(Duration.ofMillis(200), 10, Set.of()).stream()
                .filter(delivery -> delivery.query().id().equals(streamedByTheDead.id()))
                .findFirst()
                .orElseThrow();
        workerB.finish(reclaimed, answer(streamedByTheDead.id(), "Hello"), false);
        Delivery secondAttempt = new Delivery(
                deliveries.get(2).entryId(),
                streamedByAnEarlierAttempt.nextAttempt(),
                deliveries.get(2).deliveryCount());
        workerB.finish(secondAttempt, answer(streamedByAnEarlierAttempt.id(), "Hello"), false);

        assertThat(List.of(streamedHere, streamedByTheDead, streamedByAnEarlierAttempt))
                .allSatisfy(query -> assertThat(redis().call("EXISTS", RedisKeys.partialAnswerKey(query.id())))
                        .as("partial answer of %s", query.id())
                        .isEqualTo(0L));
    }

    /**
     * A query whose status record is gone and whose outcome is not stored is unknown to Redis (lost in a failover, or
     * queued past its status TTL): its outcome would be dropped, so it is not begun, no LLM call is spent on it, and
     * its id is not issued again.
     */
    @Test
    void aQueryWhoseStatusRecordIsGoneIsNotBegunUnlessItsOutcomeIsStoredThenItIsFinished() {
        Query answered = queue.submit("answered meanwhile");
        Query forgotten = queue.submit("status expired");
        List<Delivery> deliveries = workerA.read(10, Duration.ofMillis(100));
        Outcome stored = answer(answered.id(), "already");
        redis().call("SET", RedisKeys.resultKey(answered.id()), ProtocolJson.encode(stored));
        redis().call("DEL", RedisKeys.statusKey(answered.id()));
        redis().call("DEL", RedisKeys.statusKey(forgotten.id()));
        redis().call(
                        "SET",
                        RedisKeys.QUERY_ID_COUNTER,
                        Long.toString(forgotten.id().value() - 1));

        assertThat(workerA.begin(deliveries.get(0), CLOCK.instant()))
                .isEqualTo(new Begun.Finished(ProtocolJson.encode(stored)));
        assertThat(workerA.begin(deliveries.get(1), CLOCK.instant())).isInstanceOf(Begun.Unknown.class);

        // begin never brings back a record that was gone
        assertThat(redis().call("EXISTS", RedisKeys.statusKey(forgotten.id()))).isEqualTo(0L);
        assertThat(queue.submit("after the failover").id().value())
                .isGreaterThan(forgotten.id().value());
    }

    @Test
    void submittedQueryIsDeliveredOnceAndItsOutcomeStoredPublishedAndAcknowledged() {
        Query query = queue.submit("What is Redis?");
        assertThat(results.lookup(query.id()))
                .isEqualTo(new QueryLookup.InProgress(new QueryState(
                        query.id(), QueryStatus.QUEUED, TenantId.LOCAL, CLOCK.instant(), null, 0, null)));

        List<Delivery> deliveries = workerA.read(10, Duration.ofMillis(100));
        assertThat(deliveries).singleElement().satisfies(d -> {
            assertThat(d.query()).isEqualTo(query);
            assertThat(d.deliveryCount()).isEqualTo(1);
        });
        assertThat(workerB.read(10, Duration.ofMillis(50))).isEmpty();

        Delivery delivery = deliveries.getFirst();
        Instant started = CLOCK.instant().plusSeconds(1);
        assertThat(workerA.begin(delivery, started)).isInstanceOf(Begun.Running.class);
        assertThat(results.lookup(query.id()))
                .isEqualTo(new QueryLookup.InProgress(new QueryState(
                        query.id(), QueryStatus.RUNNING, TenantId.LOCAL, CLOCK.instant(), started, 1, null)));

        Outcome outcome = answer(query.id(), "Redis is a data store.");
        assertThat(workerA.finish(delivery, outcome)).isTrue();

        assertThat(redis().call("GET", "query_result_" + query.id())).isEqualTo(ProtocolJson.encode(outcome));
        assertThat((Long) redis().call("TTL", "query_result_" + query.id())).isBetween(3500L, 3600L);
        assertThat(results.lookup(query.id()))
                .isEqualTo(new QueryLookup.Completed(ProtocolJson.encode(outcome), TenantId.LOCAL));
        assertThat(redis().call("EXISTS", RedisKeys.statusKey(query.id()))).isEqualTo(0L);
        assertThat(redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(0L);
        assertThat(pendingCount()).isZero();
    }

    @Test
    void whoeverIsToldOfAnIssuedQueryIsToldBeforeAnythingOfItIsWritten() {
        List<String> seen = new java.util.ArrayList<>();
        RedisQueryQueue told = new RedisQueryQueue(
                client,
                CLOCK,
                TTL,
                () -> null,
                ReplicaConfirmation.NONE,
                issued -> seen.add(issued.id() + " status="
                        + redis().call("EXISTS", RedisKeys.statusKey(issued.id())) + " entries="
                        + redis().call("XLEN", RedisKeys.QUERY_STREAM)));

        Query query = told.submit("Tell me first");

        assertThat(seen).containsExactly(query.id() + " status=0 entries=0");
        assertThat((Long) redis().call("EXISTS", RedisKeys.statusKey(query.id())))
                .isEqualTo(1L);
    }

    @Test
    void idsAreIssuedByIncrAndNeverRepeat() {
        redis().call("SET", RedisKeys.QUERY_ID_COUNTER, "41");

        assertThat(queue.submit("a").id()).isEqualTo(new QueryId(42));
        assertThat(queue.submit("b").id()).isEqualTo(new QueryId(43));
    }

    /**
     * As after a failover that lost a query's submission (its status, the counter's increment) while a worker had
     * already read its entry from the old primary: its outcome must not be stored where the id will be issued again,
     * or the next query with that id would be answered with it.
     */
    @Test
    void anOutcomeOfAQueryRedisDoesNotKnowIsDroppedAndItsIdIsNotIssuedAgain() {
        Query lost = queue.submit("submitted on the old primary");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        redis().call("DEL", RedisKeys.statusKey(lost.id()));
        redis().call("SET", RedisKeys.QUERY_ID_COUNTER, Long.toString(lost.id().value() - 1));

        assertThat(workerA.finish(delivery, answer(lost.id(), "the lost query's answer")))
                .isFalse();

        assertThat(redis().call("EXISTS", RedisKeys.resultKey(lost.id()))).isEqualTo(0L);
        assertThat(pendingCount()).isZero();
        assertThat(queue.submit("after the failover").id().value())
                .isGreaterThan(lost.id().value());
    }

    @Test
    void theFirstStoredOutcomeWinsAndOnlyItIsPublished() {
        Query query = queue.submit("race");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        Outcome first = answer(query.id(), "first");

        assertThat(workerA.finish(delivery, first)).isTrue();
        assertThat(workerA.finish(delivery, answer(query.id(), "second"))).isFalse();

        assertThat(redis().call("GET", RedisKeys.resultKey(query.id()))).isEqualTo(ProtocolJson.encode(first));
    }

    @Test
    void aRedeliveredQueryWithAStoredOutcomeIsNotBegunAgain() {
        Query query = queue.submit("done already");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        Outcome outcome = answer(query.id(), "answer");
        // stored as llmq stores every outcome (a worker's finish, a cancel, an expiry): with its status record deleted
        redis().call(
                        "EVAL",
                        Scripts.FINISH,
                        "3",
                        RedisKeys.resultKey(query.id()),
                        RedisKeys.statusKey(query.id()),
                        RedisKeys.partialAnswerKey(query.id()),
                        ProtocolJson.encode(outcome),
                        "3600000",
                        "1");

        assertThat(workerA.begin(delivery, CLOCK.instant()))
                .isEqualTo(new Begun.Finished(ProtocolJson.encode(outcome)));
        workerA.discard(delivery);

        assertThat(pendingCount()).isZero();
    }

    @Test
    void anAbandonedEntryIsClaimedByAnotherWorkerWithItsDeliveryCounted() {
        Query query = queue.submit("orphan");
        Delivery first = workerA.read(1, Duration.ofMillis(100)).getFirst();
        awaitIdle(first.entryId(), 200);

        List<Delivery> claimed = workerB.claimAbandoned(Duration.ofMillis(200), 10, Set.of());

        assertThat(claimed).singleElement().satisfies(d -> {
            assertThat(d.query()).isEqualTo(query);
            assertThat(d.deliveryCount()).isEqualTo(2);
        });
        assertThat(workerA.keepAlive(List.of(first.entryId()))).containsExactly(first.entryId());
        assertThat(workerB.keepAlive(List.of(first.entryId()))).isEmpty();
    }

    @Test
    void keepingEntriesAliveCostsOneListingAndOneClaimPerThousand() {
        assumeTrue(redis() instanceof TestRedis, "counts the commands of one server");
        for (int i = 0; i < 1_005; i++) {
            queue.submit("long call " + i);
        }
        List<Delivery> held = new ArrayList<>();
        while (held.size() < 1_005) {
            held.addAll(workerA.read(1_005 - held.size(), Duration.ofMillis(100)));
        }
        List<String> entryIds = held.stream().map(Delivery::entryId).toList();
        awaitIdle(entryIds.getLast(), 200);
        redis().call("CONFIG", "RESETSTAT");

        assertThat(workerA.keepAlive(entryIds)).isEmpty();

        Map<String, Long> calls = new java.util.HashMap<>(((TestRedis) redis()).commandCalls());
        calls.remove("config|resetstat");
        calls.remove("ping");
        assertThat(calls).isEqualTo(Map.of("eval", 1L, "xpending", 1L, "xclaim", 2L));
        assertThat(workerB.claimAbandoned(Duration.ofMillis(200), 1_005, Set.of()))
                .as("every entry refreshed")
                .isEmpty();
    }

    @Test
    void anEntryItsOwnerHasFinishedIsNotReportedAsClaimedByAnother() {
        Query query = queue.submit("done before the keep-alive");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        workerA.finish(delivery, Outcomes.answered(query.id(), "answer"));

        assertThat(workerA.keepAlive(List.of(delivery.entryId()))).isEmpty();
    }

    @Test
    void anEntryKeptAliveByItsOwnerIsNotClaimed() {
        queue.submit("busy");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        awaitIdle(delivery.entryId(), 300);

        assertThat(workerA.keepAlive(List.of(delivery.entryId()))).isEmpty();

        assertThat(workerB.claimAbandoned(Duration.ofMillis(300), 10, Set.of())).isEmpty();
        assertThat(workerA.claimAbandoned(Duration.ZERO, 10, Set.of(delivery.entryId())))
                .as("a worker never claims what it has in flight")
                .isEmpty();
    }

    @Test
    void aReleasedEntryIsClaimedAtOnceWithoutCountingADelivery() {
        Query query = queue.submit("hand back");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();

        workerA.release(List.of(delivery.entryId()));

        assertThat(workerB.claimAbandoned(Duration.ofMinutes(10), 10, Set.of()))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.query()).isEqualTo(query);
                    assertThat(d.deliveryCount()).isEqualTo(2);
                });
    }

    @Test
    void aWorkerReclaimsItsOwnPendingEntriesThatItNoLongerWorksOn() {
        Query query = queue.submit("left behind by my previous life");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        awaitIdle(delivery.entryId(), 100);

        assertThat(workerA.claimAbandoned(Duration.ofMillis(100), 10, Set.of()))
                .extracting(Delivery::query)
                .containsExactly(query);
    }

    @Test
    void consumersOfStoppedWorkersAreRemovedOnlyWhenTheyHoldNothing() {
        queue.submit("held by busy");
        redis().call("XGROUP", "CREATECONSUMER", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP, "gone");
        redis().call(
                        "XREADGROUP",
                        "GROUP",
                        RedisKeys.WORKER_GROUP,
                        "busy",
                        "COUNT",
                        "1",
                        "STREAMS",
                        RedisKeys.QUERY_STREAM,
                        ">");
        await().pollDelay(Duration.ofMillis(150)).until(() -> true);

        assertThat(workerA.removeIdleConsumers(Duration.ofMillis(100))).isEqualTo(1);

        List<?> consumers =
                (List<?>) redis().call("XINFO", "CONSUMERS", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP);
        List<Object> names =
                consumers.stream().map(c -> (Object) ((List<?>) c).get(1)).toList();
        assertThat(names).containsExactly("busy");
        assertThat(workerA.removeIdleConsumers(Duration.ofHours(1))).isZero();
    }

    @Test
    void aRetryWaitsOffTheStreamUntilDueAndIsThenDeliveredOnceAsItsNextAttempt() {
        Query query = queue.submit("flaky");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        Instant due = CLOCK.instant().plusSeconds(30);

        workerA.retryLater(delivery, query.nextAttempt(), due);

        assertThat(pendingCount()).isZero();
        assertThat(redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(0L);
        assertThat(workerB.promoteDueRetries(due.minusMillis(1), 10)).isZero();
        assertThat(workerB.promoteDueRetries(due, 10)).isEqualTo(1);
        assertThat(workerA.promoteDueRetries(due.plusSeconds(60), 10))
                .as("moved exactly once")
                .isZero();

        assertThat(workerB.read(10, Duration.ofMillis(100))).singleElement().satisfies(d -> {
            assertThat(d.query()).isEqualTo(query.nextAttempt());
            assertThat(d.deliveryCount()).isEqualTo(1);
        });
    }

    @Test
    void aRetryScheduledAgainAfterAFailureThatHadInFactRunIsScheduledOnce() {
        Query query = queue.submit("flaky");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        Instant due = CLOCK.instant();
        assertThat(workerA.retryLater(delivery, query.nextAttempt(), due)).isTrue();
        assertThat(workerB.promoteDueRetries(due, 10)).isEqualTo(1);

        // the worker saw its first try fail (say the reply was lost) and tries again
        assertThat(workerA.retryLater(delivery, query.nextAttempt(), due)).isFalse();

        assertThat(workerB.promoteDueRetries(due.plusSeconds(60), 10))
                .as("nothing scheduled twice")
                .isZero();
        assertThat(workerB.read(10, Duration.ofMillis(100)))
                .singleElement()
                .satisfies(retry -> assertThat(retry.query()).isEqualTo(query.nextAttempt()));
    }

    @Test
    void aRetryIsMarkedQueuedByTheScriptThatSchedulesItBeforeAnyWorkerCanTakeIt() throws Exception {
        assumeTrue(redis() instanceof TestRedis, "on one server the status record is written in the same script");
        TestRedis server = (TestRedis) redis();
        Query query = queue.submit("retried at once");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        assertThat(workerA.begin(delivery, CLOCK.instant())).isInstanceOf(Begun.Running.class);
        String statusKey = RedisKeys.statusKey(query.id());

        String statusWrite = null;
        try (RedisCli monitor = new RedisCli(server.host(), server.port())) {
            assertThat(monitor.call("MONITOR")).isEqualTo("OK");
            assertThat(workerA.retryLater(delivery, query.nextAttempt(), CLOCK.instant()))
                    .isTrue();
            while (statusWrite == null) {
                // a monitored command per reply; none for 10 s fails the read
                if (monitor.readReply() instanceof String line && line.contains("\"SET\" \"" + statusKey + "\"")) {
                    statusWrite = line;
                }
            }
        }

        assertThat(statusWrite)
                .as("written inside the script, not in a round trip after it")
                .contains("[0 lua]");
        assertThat(redis().call("GET", statusKey).toString()).contains("\"status\":\"queued\"");
    }

    @Test
    void aWorkerWhoseEntryWasReclaimedMeanwhileSchedulesNoRetryNorMarksItQueued() {
        Query query = queue.submit("slow to fail");
        Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
        Delivery reclaimed = workerB.claimAbandoned(Duration.ZERO, 10, Set.of()).getFirst();
        assertThat(workerB.begin(reclaimed, CLOCK.instant())).isInstanceOf(Begun.Running.class);

        assertThat(workerA.retryLater(delivery, delivery.query().nextAttempt(), CLOCK.instant()))
                .isFalse();

        assertThat(workerA.promoteDueRetries(CLOCK.instant().plusSeconds(60), 10))
                .isZero();
        assertThat(pendingCount())
                .as("the entry stays with the worker that reclaimed it")
                .isEqualTo(1);
        assertThat(reclaimed.entryId()).isEqualTo(delivery.entryId());
        assertThat(redis().call("GET", RedisKeys.statusKey(query.id())).toString())
                .as("the status its new owner gave it")
                .contains("\"status\":\"running\"");
    }

    @Test
    void aQueryCarriesTheTraceContextOfItsSubmissionThroughEveryRetry() {
        TraceParent trace = new TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        QueryQueue traced = new RedisQueryQueue(client, CLOCK, TTL, () -> trace);
        Query query = traced.submit("traced");
        Delivery first = workerA.read(1, Duration.ofMillis(100)).getFirst();
        assertThat(first.query().traceParent()).isEqualTo(trace);

        workerA.retryLater(first, first.query().nextAttempt(), CLOCK.instant());
        workerA.promoteDueRetries(CLOCK.instant(), 10);

        assertThat(workerB.read(1, Duration.ofMillis(100))).singleElement().satisfies(retry -> {
            assertThat(retry.query().id()).isEqualTo(query.id());
            assertThat(retry.query().attempt()).isEqualTo(2);
            assertThat(retry.query().traceParent()).isEqualTo(trace);
        });
    }

    @Test
    void entriesWithoutOrWithABrokenTraceContextAreProcessedAsBefore() {
        String old = "{\"id\":41,\"prompt\":\"written before tracing\",\"submitted_at\":\"2026-11-24T10:00:00Z\"}";
        String broken = "{\"id\":42,\"prompt\":\"broken trace\",\"submitted_at\":\"2026-11-24T10:00:00Z\","
                + "\"traceparent\":\"00-zz-01\"}";
        redis().call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, old);
        redis().call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, broken);

        List<Delivery> deliveries = workerA.read(10, Duration.ofMillis(100));

        assertThat(deliveries)
                .extracting(d -> d.query().prompt())
                .containsExactly("written before tracing", "broken trace");
        assertThat(deliveries)
                .allSatisfy(d -> assertThat(d.query().traceParent()).isNull());
        assertThat(redis().call("EXISTS", RedisKeys.DEAD_LETTER_STREAM)).isEqualTo(0L);
    }

    @Test
    void anEntryWithoutAValidQueryMovesToTheDeadLetterStream() {
        redis().call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, "{\"id\":\"nope\"}");
        Query good = queue.submit("fine");

        List<Delivery> deliveries = workerA.read(10, Duration.ofMillis(100));

        assertThat(deliveries).extracting(Delivery::query).containsExactly(good);
        assertThat(redis().call("XLEN", RedisKeys.DEAD_LETTER_STREAM)).isEqualTo(1L);
        assertThat(pendingCount()).isEqualTo(1);
    }

    @Test
    void aWorkerRecreatesTheGroupWhenRedisLostItsData() {
        redis().flushAll();

        assertThat(workerA.read(10, Duration.ofMillis(50))).isEmpty();
        Query query = queue.submit("after the loss");

        assertThat(workerA.read(10, Duration.ofMillis(100)))
                .extracting(Delivery::query)
                .containsExactly(query);
    }

    @Test
    void everyStoredOutcomeIsPublishedToPatternSubscribers() {
        Map<QueryId, String> received = new ConcurrentHashMap<>();
        AtomicInteger resubscribed = new AtomicInteger();
        try (ResultNotifications notifications = new RedisResultNotifications(client)) {
            notifications.subscribe(listener(received, resubscribed));
            Query query = queue.submit("notify me");
            Delivery delivery = workerA.read(1, Duration.ofMillis(100)).getFirst();
            Outcome outcome = Outcome.of(
                    query,
                    null,
                    1,
                    CLOCK.instant(),
                    new Outcome.Failed(new QueryError(QueryError.LLM_ERROR, "boom"), Timing.UNKNOWN));

            workerA.finish(delivery, outcome);

            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() ->
                            assertThat(received).containsExactly(Map.entry(query.id(), ProtocolJson.encode(outcome))));
        }
    }

    private static ResultNotifications.Listener listener(Map<QueryId, String> received, AtomicInteger resubscribed) {
        return new ResultNotifications.Listener() {
            @Override
            public void onOutcome(QueryId id, String json) {
                received.put(id, json);
            }

            @Override
            public void onResubscribed() {
                resubscribed.incrementAndGet();
            }
        };
    }

    private static Outcome answer(QueryId id, String text) {
        return new Outcome(
                id,
                TenantId.LOCAL,
                CLOCK.instant(),
                CLOCK.instant(),
                1,
                CLOCK.instant(),
                new Outcome.Answered(text, "gpt-4o-mini", new Usage(4, 5), Timing.UNKNOWN));
    }

    private RedisDeployment redis() {
        return server.redis();
    }

    private long pendingCount() {
        List<?> summary = (List<?>) redis().call("XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP);
        return (Long) summary.getFirst();
    }

    private void awaitIdle(String entryId, long millis) {
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    List<?> entries = (List<?>) redis().call(
                                    "XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP, entryId, entryId, "1");
                    return (Long) ((List<?>) entries.getFirst()).get(2) > millis;
                });
    }
}
