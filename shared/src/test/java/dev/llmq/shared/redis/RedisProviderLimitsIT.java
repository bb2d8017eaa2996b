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

        assertThat(limits.acquire(10)).isZero();
        assertThat(limits.acquire(10)).isZero();
        assertThat(limits.acquire(10)).isZero();
        Duration wait = limits.acquire(10);

        assertThat(wait)
                .isPositive()
                .isLessThanOrEqualTo(
                        Duration.ofSeconds(2).plus(RedisProviderLimits.safetyMargin(Duration.ofSeconds(2))));
        await().atMost(Duration.ofSeconds(5)).until(() -> limits.acquire(10).isZero());
    }

    @Test
    void replicasShareTheBudget() {
        ProviderLimits one = new RedisProviderLimits(client, "p2", 2, 0, Duration.ofMinutes(1));
        ProviderLimits other = new RedisProviderLimits(client, "p2", 2, 0, Duration.ofMinutes(1));
        ProviderLimits unrelated = new RedisProviderLimits(client, "p3", 2, 0, Duration.ofMinutes(1));

        assertThat(one.acquire(1)).isZero();
        assertThat(other.acquire(1)).isZero();

        assertThat(one.acquire(1)).isPositive();
        assertThat(other.acquire(1)).isPositive();
        assertThat(unrelated.acquire(1)).isZero();
    }

    @Test
    void tokensBeyondTheBudgetWaitButALoneLargeCallStillGoesWhenTheWindowIsEmpty() {
        ProviderLimits limits = new RedisProviderLimits(client, "p4", 0, 100, Duration.ofMinutes(1));

        assertThat(limits.acquire(60)).isZero();
        assertThat(limits.acquire(60)).isPositive();
        assertThat(limits.acquire(40)).isZero();
        assertThat(limits.acquire(1)).isPositive();

        ProviderLimits empty = new RedisProviderLimits(client, "p5", 0, 100, Duration.ofMinutes(1));
        assertThat(empty.acquire(500)).isZero();
    }

    @Test
    void aPauseStopsEveryReplicaUntilItEndsAndIsNeverShortened() {
        ProviderLimits one = new RedisProviderLimits(client, "p6", 0, 0, Duration.ofMinutes(1));
        ProviderLimits other = new RedisProviderLimits(client, "p6", 0, 0, Duration.ofMinutes(1));

        one.pause(Duration.ofSeconds(30));
        other.pause(Duration.ofSeconds(1));

        assertThat(other.acquire(1)).isGreaterThan(Duration.ofSeconds(25));
        assertThat((Long) server.redis().call("PTTL", RedisKeys.providerPauseKey("p6")))
                .isGreaterThan(25_000L);
    }

    @Test
    void unlimitedProvidersKeepNoState() {
        ProviderLimits limits = new RedisProviderLimits(client, "p7", 0, 0, Duration.ofMinutes(1));

        assertThat(limits.acquire(1_000_000)).isZero();
        assertThat(server.redis().call("DBSIZE")).isEqualTo(0L);
    }
}
