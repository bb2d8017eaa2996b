package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.monitoring.RedisHealth;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.testing.FreePorts;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/** The queue depths monitoring samples, and the Redis health check, against a real Redis. */
class RedisQueueStatsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final Duration TTL = Duration.ofHours(1);
    private static RedissonClient client;

    private QueryQueue queue;
    private RedisWorkQueue worker;
    private QueueStats stats;

    @BeforeAll
    static void connect() {
        client = RedisClients.create(RedisSettings.fromUrl(server.redis().url(), Duration.ofSeconds(2), 8, "test"));
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @BeforeEach
    void emptyRedis() {
        redis().flushAll();
        queue = new RedisQueryQueue(client, Clock.systemUTC(), TTL);
        worker = new RedisWorkQueue(client, "worker", TTL);
        worker.ensureGroup();
        stats = new RedisQueueStats(client);
    }

    @Test
    void anEmptyQueueHasNothingWaiting() {
        QueueStats.Sample sample = stats.sample();

        for (Priority level : Priority.values()) {
            assertThat(sample.stream(level)).isEqualTo(new QueueStats.StreamDepth(0, 0));
        }
        assertThat(sample.scheduledRetries()).isZero();
        assertThat(sample.deadLetters()).isZero();
    }

    @Test
    void lagCountsUndeliveredEntriesAndPendingTheDeliveredOnesPerPriority() {
        submit(Priority.HIGH, "h1");
        submit(Priority.NORMAL, "n1");
        submit(Priority.NORMAL, "n2");
        submit(Priority.LOW, "l1");
        submit(Priority.LOW, "l2");
        submit(Priority.LOW, "l3");
        var delivered = worker.read(3, Duration.ZERO);
        assertThat(delivered).hasSize(3);

        QueueStats.Sample sample = stats.sample();

        long lag = 0;
        long pending = 0;
        for (Priority level : Priority.values()) {
            lag += sample.stream(level).lag();
            pending += sample.stream(level).pending();
        }
        assertThat(lag).isEqualTo(3);
        assertThat(pending).isEqualTo(3);
        assertThat(sample.stream(Priority.HIGH)).isEqualTo(new QueueStats.StreamDepth(0, 1));

        worker.finish(
                delivered.getFirst(),
                dev.llmq.shared.testing.Outcomes.answered(
                        delivered.getFirst().query().id(), "done"));
        assertThat(stats.sample().stream(delivered.getFirst().query().priority())
                        .pending())
                .isEqualTo(
                        sample.stream(delivered.getFirst().query().priority()).pending() - 1);
    }

    @Test
    void lagIsStillRightWhenRedisCannotComputeIt() {
        submit(Priority.NORMAL, "first");
        submit(Priority.NORMAL, "second");
        // deleting an entry nobody read leaves a tombstone past the group's position: XINFO's lag is then nil
        Object newest = ((java.util.List<?>)
                        ((java.util.List<?>) redis().call("XREVRANGE", RedisKeys.QUERY_STREAM, "+", "-", "COUNT", "1"))
                                .getFirst())
                .getFirst();
        redis().call("XDEL", RedisKeys.QUERY_STREAM, newest.toString());
        submit(Priority.NORMAL, "third");

        assertThat(stats.sample().stream(Priority.NORMAL)).isEqualTo(new QueueStats.StreamDepth(2, 0));
    }

    @Test
    void scheduledRetriesAndDeadLettersAreCounted() {
        submit(Priority.NORMAL, "retry me");
        var delivery = worker.read(1, Duration.ZERO).getFirst();
        worker.retryLater(
                delivery, delivery.query().nextAttempt(), Instant.now().plusSeconds(60));
        redis().call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, "{\"not\":\"a query\"}");
        worker.read(10, Duration.ZERO);

        QueueStats.Sample sample = stats.sample();

        assertThat(sample.scheduledRetries()).isEqualTo(1);
        assertThat(sample.deadLetters()).isEqualTo(1);
        assertThat(sample.stream(Priority.NORMAL)).isEqualTo(new QueueStats.StreamDepth(0, 0));
    }

    @Test
    void theHealthCheckPingsRedisAndFailsFastWhenNothingAnswers() {
        try (RedisHealth reachable = new RedisHealth(client, Duration.ofSeconds(1), Duration.ofMinutes(1))) {
            assertThat(reachable.check()).isTrue();
            assertThat(reachable.lastCheckSucceeded()).isTrue();
        }
        RedissonClient nowhere = RedisClients.create(RedisSettings.fromUrl(
                "redis://127.0.0.1:" + FreePorts.find(), Duration.ofMillis(500), 2, "test-nowhere"));
        try (RedisHealth unreachable = new RedisHealth(nowhere, Duration.ofMillis(300), Duration.ofMinutes(1))) {
            long started = System.nanoTime();
            assertThat(unreachable.check()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(unreachable.lastCheckSucceeded()).isFalse();
        } finally {
            nowhere.shutdown();
        }
    }

    private void submit(Priority priority, String prompt) {
        queue.submit(QueryRequest.ofPrompt(prompt), new Submission(TenantId.LOCAL, priority, null), 0);
    }

    private static TestRedis redis() {
        return server.redis();
    }
}
