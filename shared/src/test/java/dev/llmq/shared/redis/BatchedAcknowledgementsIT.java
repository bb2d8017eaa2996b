package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/** Finished entries acknowledged together: fewer commands, never before the outcome is stored, none left behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchedAcknowledgementsIT {

    private static final Duration TTL = Duration.ofHours(1);

    @RegisterExtension
    final RedisServerExtension server = new RedisServerExtension();

    private RedissonClient client;
    private QueryQueue queue;

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
        server.redis().flushAll();
        queue = new RedisQueryQueue(client, Clock.systemUTC(), TTL);
    }

    @Test
    void entriesFinishedBetweenTwoFlushesCostOneXackAndOneXdelAndStayPendingUntilThen() {
        try (var acknowledgements = new BatchedAcknowledgements(client, Duration.ofHours(1))) {
            RedisWorkQueue worker = worker(acknowledgements);
            for (int i = 0; i < 5; i++) {
                queue.submit("query " + i);
            }
            List<Delivery> deliveries = worker.read(10, Duration.ofMillis(100));
            assertThat(deliveries).hasSize(5);
            server.redis().call("CONFIG", "RESETSTAT");

            for (Delivery delivery : deliveries) {
                assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);
                assertThat(worker.finish(
                                delivery, Outcomes.answered(delivery.query().id(), "done")))
                        .isTrue();
            }

            // every outcome is stored and published; the entries wait, still pending, for the flush
            for (Delivery delivery : deliveries) {
                assertThat(server.redis()
                                .call(
                                        "EXISTS",
                                        RedisKeys.resultKey(delivery.query().id())))
                        .isEqualTo(1L);
            }
            assertThat(pending()).isEqualTo(5L);
            assertThat(acknowledgements.waiting()).isEqualTo(5);
            assertThat(server.redis().commandCalls()).doesNotContainKeys("xack", "xdel");

            assertThat(acknowledgements.flush()).isEqualTo(5);

            assertThat(pending()).isZero();
            assertThat(server.redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(0L);
            Map<String, Long> calls = server.redis().commandCalls();
            assertThat(calls).containsEntry("xack", 1L).containsEntry("xdel", 1L);
        }
    }

    @Test
    void theFlusherAcknowledgesOnItsOwnAndClosingFlushesWhatIsLeft() {
        var acknowledgements = new BatchedAcknowledgements(client, Duration.ofMillis(50));
        RedisWorkQueue worker = worker(acknowledgements);
        Query first = queue.submit("flushed by the interval");
        Delivery delivery = worker.read(1, Duration.ofMillis(100)).getFirst();
        worker.finish(delivery, Outcomes.answered(first.id(), "done"));

        await().atMost(Duration.ofSeconds(5)).until(() -> pending() == 0L);

        acknowledgements.close();
        Query second = queue.submit("flushed when closed");
        Delivery late = worker.read(1, Duration.ofMillis(100)).getFirst();
        // a query finishing after its worker began to stop is acknowledged at once
        worker.finish(late, Outcomes.answered(second.id(), "done"));
        assertThat(pending()).isZero();
        assertThat(server.redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(0L);
    }

    @Test
    void aRedeliveredEntryWhoseOutcomeIsStoredIsAcknowledgedWithoutBeingBegun() {
        try (var acknowledgements = new BatchedAcknowledgements(client, Duration.ofHours(1))) {
            RedisWorkQueue dying = worker(acknowledgements);
            Query query = queue.submit("finished, then its worker died before the flush");
            Delivery delivery = dying.read(1, Duration.ofMillis(100)).getFirst();
            dying.finish(delivery, Outcomes.answered(query.id(), "stored"));

            RedisWorkQueue other = new RedisWorkQueue(client, "worker-b", TTL);
            List<Delivery> claimed = other.claimAbandoned(Duration.ZERO, 10, Set.of());

            assertThat(claimed)
                    .singleElement()
                    .satisfies(redelivered ->
                            assertThat(other.begin(redelivered, Instant.now())).isInstanceOf(Begun.Finished.class));
        }
    }

    @Test
    void anEntryWhoseOutcomeTheServerDoesNotHaveStaysPendingAndIsAnsweredAgain() {
        try (var acknowledgements = new BatchedAcknowledgements(client, Duration.ofHours(1))) {
            RedisWorkQueue worker = worker(acknowledgements);
            Query stored = queue.submit("its outcome reached the server");
            Query lost = queue.submit("its outcome was lost with the old primary");
            Query alsoStored = queue.submit("its outcome reached the server too");
            List<Delivery> deliveries = worker.read(10, Duration.ofMillis(100));
            assertThat(deliveries).hasSize(3);
            for (Delivery delivery : deliveries) {
                assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);
            }
            worker.finish(deliveries.get(0), Outcomes.answered(stored.id(), "done"));
            worker.finish(deliveries.get(2), Outcomes.answered(alsoStored.id(), "done"));
            // as after a failover: the worker had its outcome confirmed by the old primary, which failed before its
            // replica had it; the acknowledgement reaches the promoted replica, where the query is still running
            acknowledgements.add(deliveries.get(1).entryId(), lost.id());
            server.redis().call("CONFIG", "RESETSTAT");

            assertThat(acknowledgements.flush()).isEqualTo(2);

            assertThat(pending()).isOne();
            assertThat(server.redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(1L);
            assertThat(server.redis().commandCalls()).containsEntry("xack", 1L).containsEntry("xdel", 1L);
            RedisWorkQueue other = new RedisWorkQueue(client, "worker-b", TTL);
            List<Delivery> claimed = other.claimAbandoned(Duration.ZERO, 10, Set.of());
            assertThat(claimed).singleElement().satisfies(redelivered -> {
                assertThat(redelivered.query().id()).isEqualTo(lost.id());
                assertThat(other.begin(redelivered, Instant.now()))
                        .as("the query runs again")
                        .isInstanceOf(Begun.Running.class);
            });
        }
    }

    /**
     * A failover can lose increments of the id counter, so a new query may get the id of one that has an outcome: its
     * finish finds that outcome standing, and the entry must still be acknowledged, not redelivered forever.
     */
    @Test
    void anEntryWhoseQueryIdWasIssuedAgainIsAcknowledgedBesideTheEarlierOutcome() {
        try (var acknowledgements = new BatchedAcknowledgements(client, Duration.ofHours(1))) {
            RedisWorkQueue worker = worker(acknowledgements);
            Query query = queue.submit("its id was issued before the failover");
            String earlier = ProtocolJson.encode(Outcomes.answered(query.id(), "the earlier query's answer"));
            server.redis().call("SET", RedisKeys.resultKey(query.id()), earlier);
            Delivery delivery = worker.read(1, Duration.ofMillis(100)).getFirst();
            assertThat(worker.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);

            assertThat(worker.finish(delivery, Outcomes.answered(query.id(), "this query's answer")))
                    .as("the earlier outcome stands")
                    .isFalse();
            assertThat(server.redis().call("EXISTS", RedisKeys.statusKey(query.id())))
                    .as("no status record beside an outcome")
                    .isEqualTo(0L);
            // even with one (written by an api-service that had not heard of the outcome), the outcome decides
            server.redis().call("SET", RedisKeys.statusKey(query.id()), "{}");

            assertThat(acknowledgements.flush()).isEqualTo(1);
            assertThat(pending()).isZero();
        }
    }

    @Test
    void whenEveryOutcomeIsStoredOneExistsDecidesForTheWholeFlush() {
        try (var acknowledgements = new BatchedAcknowledgements(client, Duration.ofHours(1))) {
            RedisWorkQueue worker = worker(acknowledgements);
            for (int i = 0; i < 20; i++) {
                queue.submit("query " + i);
            }
            List<Delivery> deliveries = worker.read(20, Duration.ofMillis(100));
            for (Delivery delivery : deliveries) {
                worker.begin(delivery, Instant.now());
                worker.finish(delivery, Outcomes.answered(delivery.query().id(), "done"));
            }
            server.redis().call("CONFIG", "RESETSTAT");

            assertThat(acknowledgements.flush()).isEqualTo(20);

            assertThat(pending()).isZero();
            assertThat(server.redis().commandCalls())
                    .containsEntry("exists", 1L)
                    .containsEntry("xack", 1L)
                    .containsEntry("xdel", 1L);
        }
    }

    private RedisWorkQueue worker(BatchedAcknowledgements acknowledgements) {
        RedisWorkQueue worker = new RedisWorkQueue(
                client, "worker-a", TTL, new PriorityShares(PriorityShares.DEFAULT_WEIGHTS), acknowledgements);
        worker.ensureGroup();
        return worker;
    }

    private long pending() {
        List<?> summary = (List<?>) server.redis().call("XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP);
        return (Long) summary.getFirst();
    }
}
