package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisDeployment;
import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/** Priorities, idempotency keys, in-flight caps, cancels and deadlines in the queue adapters, on a real Redis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryLifecycleRedisIT {

    @RegisterExtension
    final RedisExtension server = redisUnderTest();

    private static final Duration TTL = Duration.ofHours(1);
    private static final TenantId ACME = new TenantId("acme");
    private static final TenantId GLOBEX = new TenantId("globex");
    private RedissonClient client;

    private RedisQueryQueue queue;
    private RedisWorkQueue worker;
    private RedisResultStore store;
    private RedisQueryControl control;

    /** The Redis these tests run on: one server here, a Redis Cluster in {@code QueryLifecycleRedisOnClusterIT}. */
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
        queue = new RedisQueryQueue(client, Clock.systemUTC(), TTL);
        worker = new RedisWorkQueue(client, "worker", TTL);
        store = new RedisResultStore(client);
        control = new RedisQueryControl(client, store, Clock.systemUTC(), TTL, ReplicaConfirmation.NONE);
        worker.ensureGroup();
    }

    @Test
    void freeSlotsGoToThePrioritiesByWeightSoLowIsServedToo() {
        for (int i = 0; i < 10; i++) {
            submit(Priority.LOW, "low " + i);
            submit(Priority.NORMAL, "normal " + i);
            submit(Priority.HIGH, "high " + i);
        }

        List<Delivery> deliveries = worker.read(10, Duration.ofMillis(100));

        assertThat(deliveries)
                .extracting(d -> d.query().priority())
                .containsExactlyInAnyOrder(
                        Priority.HIGH,
                        Priority.HIGH,
                        Priority.HIGH,
                        Priority.HIGH,
                        Priority.HIGH,
                        Priority.HIGH,
                        Priority.NORMAL,
                        Priority.NORMAL,
                        Priority.NORMAL,
                        Priority.LOW);
    }

    @Test
    void aPriorityWithoutWorkGivesItsShareToTheOthersHighestFirst() {
        for (int i = 0; i < 10; i++) {
            submit(Priority.LOW, "low " + i);
        }
        submit(Priority.HIGH, "the only high one");

        List<Delivery> deliveries = worker.read(5, Duration.ofMillis(100));

        assertThat(deliveries).hasSize(5);
        assertThat(deliveries)
                .filteredOn(d -> d.query().priority() == Priority.HIGH)
                .hasSize(1);
    }

    @Test
    void onceItsReadsDrainTheStreamsAWorkerReadsAllThreeWithOneCommandUntilItMeetsABacklog() {
        assumeTrue(redis() instanceof TestRedis, "counts the commands of one server");
        TestRedis server = (TestRedis) redis();
        submit(Priority.NORMAL, "first");
        assertThat(worker.read(10, Duration.ofMillis(100))).hasSize(1);
        redis().call("CONFIG", "RESETSTAT");

        submit(Priority.HIGH, "high");
        submit(Priority.LOW, "low");
        assertThat(worker.read(10, Duration.ofMillis(100))).hasSize(2);
        assertThat(server.commandCalls()).containsEntry("xreadgroup", 1L);

        for (int i = 0; i < 10; i++) {
            submit(Priority.LOW, "low " + i);
            submit(Priority.HIGH, "high " + i);
        }
        // a third of the free slots from each stream; both came back full: a backlog
        assertThat(worker.read(6, Duration.ofMillis(100)))
                .extracting(d -> d.query().priority())
                .containsExactlyInAnyOrder(Priority.HIGH, Priority.HIGH, Priority.LOW, Priority.LOW);
        // so the next read follows the weights again (high 6 : low 1 of 7 free slots; normal has none to take)
        assertThat(worker.read(7, Duration.ofMillis(100)))
                .extracting(d -> d.query().priority())
                .containsOnly(Priority.HIGH, Priority.LOW)
                .filteredOn(priority -> priority == Priority.HIGH)
                .hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void anIdleWorkerWakesForAnEntryOnAnyPriorityStream() throws Exception {
        var reading = Executors.newVirtualThreadPerTaskExecutor().submit(() -> worker.read(4, Duration.ofSeconds(5)));
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);

        Query low = submit(Priority.LOW, "wake up");

        assertThat(reading.get()).extracting(Delivery::query).containsExactly(low);
    }

    @Test
    void entriesOfEveryPriorityAreKeptAliveReleasedClaimedAndAcknowledgedInTheirOwnStream() {
        Query high = submit(Priority.HIGH, "urgent");
        Query low = submit(Priority.LOW, "whenever");
        List<Delivery> held = worker.read(2, Duration.ofMillis(100));
        List<String> entryIds = held.stream().map(Delivery::entryId).toList();
        assertThat(entryIds).anyMatch(id -> id.startsWith("high:")).anyMatch(id -> id.startsWith("low:"));

        assertThat(worker.keepAlive(entryIds)).isEmpty();
        worker.release(entryIds);
        RedisWorkQueue other = new RedisWorkQueue(client, "other", TTL);
        List<Delivery> claimed = other.claimAbandoned(Duration.ofMinutes(1), 10, Set.of());
        assertThat(claimed).extracting(Delivery::query).containsExactlyInAnyOrder(high, low);
        assertThat(worker.keepAlive(entryIds)).containsExactlyInAnyOrderElementsOf(entryIds);

        for (Delivery delivery : claimed) {
            other.finish(delivery, Outcomes.answered(delivery.query().id(), "done"));
        }
        for (String stream : RedisKeys.QUERY_STREAMS) {
            assertThat(redis().call("XLEN", stream)).as(stream).isEqualTo(0L);
            assertThat(((List<?>) redis().call("XPENDING", stream, RedisKeys.WORKER_GROUP)).getFirst())
                    .as(stream)
                    .isEqualTo(0L);
        }
    }

    @Test
    void aDueRetryGoesBackToTheStreamOfItsPriority() {
        Query high = submit(Priority.HIGH, "retry me");
        Delivery delivery = worker.read(1, Duration.ofMillis(100)).getFirst();
        Instant due = Instant.now();

        worker.retryLater(delivery, high.nextAttempt(), due);
        worker.promoteDueRetries(due, 10);

        assertThat(redis().call("XLEN", RedisKeys.HIGH_PRIORITY_STREAM)).isEqualTo(1L);
        assertThat(redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(0L);
    }

    @Test
    void fiftyConcurrentSubmissionsWithOneIdempotencyKeyEnqueueExactlyOneQuery() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<QueryQueue.IdempotentSubmission> results = new CopyOnWriteArrayList<>();
        try (var pool = Executors.newFixedThreadPool(50)) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return results.add(queue.submitOnce(
                            QueryRequest.ofPrompt("once"),
                            Submission.of(ACME),
                            0,
                            "key-digest",
                            "same-request",
                            Duration.ofMinutes(1)));
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        }

        assertThat(results)
                .filteredOn(r -> r instanceof QueryQueue.IdempotentSubmission.Created)
                .hasSize(1);
        QueryId id = ((QueryQueue.IdempotentSubmission.Created) results.stream()
                        .filter(r -> r instanceof QueryQueue.IdempotentSubmission.Created)
                        .findFirst()
                        .orElseThrow())
                .query()
                .id();
        assertThat(results)
                .filteredOn(r -> r instanceof QueryQueue.IdempotentSubmission.Repeated)
                .hasSize(49)
                .allSatisfy(r -> assertThat(((QueryQueue.IdempotentSubmission.Repeated) r).id())
                        .isEqualTo(id));
        assertThat(redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(1L);
        assertThat(redis().call("KEYS", "llmq:status:*")).asList().hasSize(1);
    }

    @Test
    void theSameIdempotencyKeyForAnotherRequestIsAMismatchAndEnqueuesNothing() {
        var first = queue.submitOnce(
                QueryRequest.ofPrompt("a"), Submission.of(ACME), 0, "k", "request-a", Duration.ofMinutes(1));
        var second = queue.submitOnce(
                QueryRequest.ofPrompt("b"), Submission.of(ACME), 0, "k", "request-b", Duration.ofMinutes(1));
        var otherTenant = queue.submitOnce(
                QueryRequest.ofPrompt("b"), Submission.of(GLOBEX), 0, "k", "request-b", Duration.ofMinutes(1));

        assertThat(first).isInstanceOf(QueryQueue.IdempotentSubmission.Created.class);
        assertThat(second).isInstanceOf(QueryQueue.IdempotentSubmission.Mismatch.class);
        assertThat(otherTenant).as("keys are per tenant").isInstanceOf(QueryQueue.IdempotentSubmission.Created.class);
        assertThat(redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(2L);
    }

    @Test
    void aTenantAtItsInFlightCapIsRefusedUntilAQueryFinishes() {
        Query first = queue.submit(QueryRequest.ofPrompt("1"), Submission.of(ACME), 2);
        queue.submit(QueryRequest.ofPrompt("2"), Submission.of(ACME), 2);

        assertThatThrownBy(() -> queue.submit(QueryRequest.ofPrompt("3"), Submission.of(ACME), 2))
                .isInstanceOf(InFlightLimitException.class)
                .hasMessageContaining("acme");
        queue.submit(QueryRequest.ofPrompt("other tenant"), Submission.of(GLOBEX), 2);

        Delivery delivery = worker.read(10, Duration.ofMillis(100)).stream()
                .filter(d -> d.query().id().equals(first.id()))
                .findFirst()
                .orElseThrow();
        worker.finish(delivery, Outcomes.answered(first.id(), ACME, "done"));

        assertThat(queue.submit(QueryRequest.ofPrompt("3"), Submission.of(ACME), 2))
                .isNotNull();
        assertThat(redis().call("TTL", RedisKeys.tenantInFlightKey(ACME))).isNotEqualTo(-1L);
    }

    @Test
    void aRepeatWithItsIdempotencyKeyIsAnsweredEvenWhenTheTenantIsAtItsCap() {
        var first = queue.submitOnce(
                QueryRequest.ofPrompt("capped"), Submission.of(ACME), 1, "k", "request", Duration.ofMinutes(1));

        var repeat = queue.submitOnce(
                QueryRequest.ofPrompt("capped"), Submission.of(ACME), 1, "k", "request", Duration.ofMinutes(1));

        assertThat(repeat)
                .isEqualTo(
                        new QueryQueue.IdempotentSubmission.Repeated(((QueryQueue.IdempotentSubmission.Created) first)
                                .query()
                                .id()));
        assertThatThrownBy(() -> queue.submitOnce(
                        QueryRequest.ofPrompt("new"), Submission.of(ACME), 1, "k2", "other", Duration.ofMinutes(1)))
                .isInstanceOf(InFlightLimitException.class);
    }

    @Test
    void aCancelledQueuedQueryEndsCancelledIsAnnouncedAndIsNeverBegun() {
        List<QueryId> announced = new CopyOnWriteArrayList<>();
        try (QueryCancellations cancellations = new RedisQueryCancellations(client)) {
            cancellations.subscribe(announced::add);
            Query query = queue.submit(QueryRequest.ofPrompt("never mind"), Submission.of(ACME), 0);

            var result = control.cancel(query.id(), ACME);

            assertThat(result).isInstanceOfSatisfying(QueryControl.CancelResult.Cancelled.class, cancelled -> {
                Outcome outcome = ProtocolJson.decodeOutcome(cancelled.json());
                assertThat(outcome.status()).isEqualTo(QueryStatus.CANCELLED);
                assertThat(outcome.tenant()).isEqualTo(ACME);
                assertThat(outcome.attempts()).isZero();
            });
            assertThat(store.lookup(query.id())).isInstanceOf(QueryLookup.Completed.class);
            Delivery delivery = worker.read(1, Duration.ofMillis(100)).getFirst();
            assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Finished.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> announced.contains(query.id()));
            assertThat(control.cancel(query.id(), ACME)).isInstanceOf(QueryControl.CancelResult.AlreadyEnded.class);
        }
    }

    @Test
    void anotherTenantCannotCancelAQueryOrLearnThatItExists() {
        Query query = queue.submit(QueryRequest.ofPrompt("mine"), Submission.of(ACME), 0);

        assertThat(control.cancel(query.id(), GLOBEX)).isInstanceOf(QueryControl.CancelResult.NotFound.class);
        assertThat(control.cancel(new QueryId(999_999), GLOBEX)).isInstanceOf(QueryControl.CancelResult.NotFound.class);
        assertThat(store.lookup(query.id())).isInstanceOf(QueryLookup.InProgress.class);
    }

    @Test
    void aFinishedQueryCannotBeCancelledAndItsOutcomeStands() {
        Query query = queue.submit(QueryRequest.ofPrompt("quick"), Submission.of(ACME), 0);
        Delivery delivery = worker.read(1, Duration.ofMillis(100)).getFirst();
        Outcome answered = Outcomes.answered(query.id(), ACME, "done");
        worker.finish(delivery, answered);

        assertThat(control.cancel(query.id(), ACME))
                .isEqualTo(new QueryControl.CancelResult.AlreadyEnded(ProtocolJson.encode(answered)));
    }

    @Test
    void aQueryQueuedPastItsDeadlineExpiresOnce() {
        Instant deadline = Instant.now().plusMillis(50);
        Query query =
                queue.submit(QueryRequest.ofPrompt("too late"), new Submission(ACME, Priority.NORMAL, deadline), 0);
        QueryLookup.InProgress queued = (QueryLookup.InProgress) store.lookup(query.id());
        assertThat(queued.state().deadline()).isEqualTo(deadline);

        QueryControl.ExpireResult first = control.expire(queued.state());
        QueryControl.ExpireResult second = control.expire(queued.state());

        assertThat(first).isInstanceOf(QueryControl.ExpireResult.Expired.class);
        assertThat(ProtocolJson.decodeOutcome(first.json()).result()).isEqualTo(new Outcome.Expired(deadline));
        assertThat(second).isEqualTo(new QueryControl.ExpireResult.AlreadyEnded(first.json()));
    }

    @Test
    void submittingAndFinishingStillWorkAfterRedisForgetsItsScriptsAsARestartDoes() {
        Query before = submit(Priority.NORMAL, "before");
        worker.finish(worker.read(1, Duration.ofMillis(100)).getFirst(), Outcomes.answered(before.id(), "done"));

        redis().call("SCRIPT", "FLUSH");
        Query after = submit(Priority.NORMAL, "after");
        boolean stored =
                worker.finish(worker.read(1, Duration.ofMillis(100)).getFirst(), Outcomes.answered(after.id(), "done"));

        assertThat(stored).isTrue();
        assertThat(store.lookup(after.id())).isInstanceOf(QueryLookup.Completed.class);
    }

    private Query submit(Priority priority, String prompt) {
        return queue.submit(QueryRequest.ofPrompt(prompt), new Submission(TenantId.LOCAL, priority, null), 0);
    }

    private RedisDeployment redis() {
        return server.redis();
    }
}
