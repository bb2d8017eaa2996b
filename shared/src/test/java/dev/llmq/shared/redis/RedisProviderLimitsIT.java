package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

class RedisProviderLimitsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static RedissonClient client;

    @BeforeAll
    static void connect() {
        client = RedisClients.connect(server.redis().url(), Duration.ofSeconds(2), 4, "test");
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @BeforeEach
    void emptyRedis() {
        server.redis().flushAll();
    }

    @Test
    void requestsBeyondTheWindowsBudgetWaitUntilTheOldestCallLeavesIt() {
        ProviderLimits limits = new RedisProviderLimits(client, "p1", 3, 0, Duration.ofSeconds(2));

        assertThat(limits.acquire("call", 10)).isZero();
        assertThat(limits.acquire("call", 10)).isZero();
        assertThat(limits.acquire("call", 10)).isZero();
        Duration wait = limits.acquire("call", 10);

        assertThat(wait)
                .isPositive()
                .isLessThanOrEqualTo(
                        Duration.ofSeconds(2).plus(RedisProviderLimits.safetyMargin(Duration.ofSeconds(2))));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> limits.acquire("call", 10).isZero());
    }

    @Test
    void replicasShareTheBudget() {
        ProviderLimits one = new RedisProviderLimits(client, "p2", 2, 0, Duration.ofMinutes(1));
        ProviderLimits other = new RedisProviderLimits(client, "p2", 2, 0, Duration.ofMinutes(1));
        ProviderLimits unrelated = new RedisProviderLimits(client, "p3", 2, 0, Duration.ofMinutes(1));

        assertThat(one.acquire("call", 1)).isZero();
        assertThat(other.acquire("call", 1)).isZero();

        assertThat(one.acquire("call", 1)).isPositive();
        assertThat(other.acquire("call", 1)).isPositive();
        assertThat(unrelated.acquire("call", 1)).isZero();
    }

    @Test
    void tokensBeyondTheBudgetWaitButALoneLargeCallStillGoesWhenTheWindowIsEmpty() {
        ProviderLimits limits = new RedisProviderLimits(client, "p4", 0, 100, Duration.ofMinutes(1));

        assertThat(limits.acquire("call", 60)).isZero();
        assertThat(limits.acquire("call", 60)).isPositive();
        assertThat(limits.acquire("call", 40)).isZero();
        assertThat(limits.acquire("call", 1)).isPositive();

        ProviderLimits empty = new RedisProviderLimits(client, "p5", 0, 100, Duration.ofMinutes(1));
        assertThat(empty.acquire("call", 500)).isZero();
    }

    @Test
    void aPauseStopsEveryReplicaUntilItEndsAndIsNeverShortened() {
        ProviderLimits one = new RedisProviderLimits(client, "p6", 0, 0, Duration.ofMinutes(1));
        ProviderLimits other = new RedisProviderLimits(client, "p6", 0, 0, Duration.ofMinutes(1));

        one.pause(Duration.ofSeconds(30));
        other.pause(Duration.ofSeconds(1));

        assertThat(other.acquire("call", 1)).isGreaterThan(Duration.ofSeconds(25));
        assertThat((Long) server.redis().call("PTTL", RedisKeys.providerPauseKey("p6")))
                .isGreaterThan(25_000L);
    }

    @Test
    void callsInFlightAcrossReplicasStayUnderTheCapAndAForgottenSlotFreesItself() {
        ProviderLimits one =
                new RedisProviderLimits(client, "p8", 0, 0, Duration.ofMinutes(1), 2, Duration.ofMinutes(5));
        ProviderLimits other =
                new RedisProviderLimits(client, "p8", 0, 0, Duration.ofMinutes(1), 2, Duration.ofMinutes(5));

        assertThat(one.acquire("a", 1)).isZero();
        assertThat(other.acquire("b", 1)).isZero();
        assertThat(one.acquire("c", 1)).isPositive();

        other.release("b");
        assertThat(one.acquire("c", 1)).isZero();

        ProviderLimits shortLease =
                new RedisProviderLimits(client, "p9", 0, 0, Duration.ofMinutes(1), 1, Duration.ofMillis(300));
        assertThat(shortLease.acquire("crashed", 1)).isZero();
        assertThat(shortLease.acquire("next", 1)).isPositive();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> shortLease.acquire("next", 1).isZero());
    }

    @Test
    void unlimitedProvidersKeepNoState() {
        ProviderLimits limits = new RedisProviderLimits(client, "p7", 0, 0, Duration.ofMinutes(1));

        assertThat(limits.acquire("call", 1_000_000)).isZero();
        assertThat(server.redis().call("DBSIZE")).isEqualTo(0L);
    }
}
