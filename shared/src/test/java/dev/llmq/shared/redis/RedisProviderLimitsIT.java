package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisProviderLimitsIT {

    @RegisterExtension
    final RedisExtension server = redisUnderTest();

    private RedissonClient client;

    /** The Redis these tests run on: one server here, a Redis Cluster in {@code RedisProviderLimitsOnClusterIT}. */
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
        server.redis().flushAll();
    }

    @Test
    void callersThatComeWhileAnotherLooksAtThePauseShareItsAnswerInsteadOfBelievingThereIsNone() throws Exception {
        ProviderLimits other = new RedisProviderLimits(client, "p-shared", 0, 0, Duration.ofMinutes(1));
        ProviderLimits replica = new RedisProviderLimits(client, "p-shared", 0, 0, Duration.ofMinutes(1));
        assertThat(replica.acquire("before", null, 1)).isZero();
        other.pause(Duration.ofSeconds(20));
        await().pollDelay(RedisProviderLimits.UNPAUSED_RECHECK.plusMillis(50)).until(() -> true);

        List<java.util.concurrent.Future<Duration>> waits = new java.util.ArrayList<>();
        try (var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 50; i++) {
                String callId = "call " + i;
                waits.add(callers.submit(() -> {
                    start.await();
                    return replica.acquire(callId, null, 1);
                }));
            }
            start.countDown();
        }
        for (var wait : waits) {
            assertThat(wait.get()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
        }
    }

    @Test
    void aCallThatReachesTheProviderLateIsCountedFromThenAndOneOnTimeIsLeftAlone() {
        assumeTrue(server.redis() instanceof TestRedis, "reads Redis's clock and the windows of one server");
        // a 2 s window has a margin of 1.02 s: a call reaching the provider over 0.51 s after its grant is late
        ProviderLimits limits = new RedisProviderLimits(client, "p-late", 10, 1_000, Duration.ofSeconds(2));
        long before = redisMillis();
        assertThat(limits.acquire("late", null, 7)).isZero();
        assertThat(limits.acquire("timely", null, 7)).isZero();
        limits.reached("timely");
        await().pollDelay(Duration.ofMillis(700)).until(() -> true);

        limits.reached("late");

        Map<String, Double> requests = scores(RedisKeys.providerRequestsKey("p-late"));
        Map<String, Double> tokens = scores(RedisKeys.providerTokensKey("p-late"));
        assertThat(requests).hasSize(2);
        assertThat(tokens).hasSize(2);
        requests.forEach((member, score) -> assertThat(score)
                .as(member)
                .isGreaterThanOrEqualTo(member.startsWith("late:") ? before + 650 : before)
                .isLessThan(member.startsWith("late:") ? Double.MAX_VALUE : before + 500));
        tokens.forEach((member, score) -> assertThat(score)
                .as(member)
                .isGreaterThanOrEqualTo(member.startsWith("late:") ? before + 650 : before)
                .isLessThan(member.startsWith("late:") ? Double.MAX_VALUE : before + 500));
        assertThat(tokens.keySet()).allMatch(member -> member.endsWith(":7"));
        // told once: a second report of the same call changes nothing, and neither does one for an unknown call
        limits.reached("late");
        limits.reached("never granted");
        assertThat(scores(RedisKeys.providerRequestsKey("p-late"))).isEqualTo(requests);
    }

    private long redisMillis() {
        List<?> time = (List<?>) server.redis().call("TIME");
        return Long.parseLong(time.get(0).toString()) * 1000
                + Long.parseLong(time.get(1).toString()) / 1000;
    }

    private Map<String, Double> scores(String key) {
        List<?> flat = (List<?>) server.redis().call("ZRANGE", key, "0", "-1", "WITHSCORES");
        Map<String, Double> scores = new java.util.HashMap<>();
        for (int i = 0; i < flat.size(); i += 2) {
            scores.put(
                    flat.get(i).toString(), Double.parseDouble(flat.get(i + 1).toString()));
        }
        return scores;
    }

    @Test
    void requestsBeyondTheWindowsBudgetWaitUntilTheOldestCallLeavesIt() {
        ProviderLimits limits = new RedisProviderLimits(client, "p1", 3, 0, Duration.ofSeconds(2));

        assertThat(limits.acquire("call", null, 10)).isZero();
        assertThat(limits.acquire("call", null, 10)).isZero();
        assertThat(limits.acquire("call", null, 10)).isZero();
        Duration wait = limits.acquire("call", null, 10);

        assertThat(wait)
                .isPositive()
                .isLessThanOrEqualTo(
                        Duration.ofSeconds(2).plus(RedisProviderLimits.safetyMargin(Duration.ofSeconds(2))));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> limits.acquire("call", null, 10).isZero());
    }

    @Test
    void replicasShareTheBudget() {
        ProviderLimits one = new RedisProviderLimits(client, "p2", 2, 0, Duration.ofMinutes(1));
        ProviderLimits other = new RedisProviderLimits(client, "p2", 2, 0, Duration.ofMinutes(1));
        ProviderLimits unrelated = new RedisProviderLimits(client, "p3", 2, 0, Duration.ofMinutes(1));

        assertThat(one.acquire("call", null, 1)).isZero();
        assertThat(other.acquire("call", null, 1)).isZero();

        assertThat(one.acquire("call", null, 1)).isPositive();
        assertThat(other.acquire("call", null, 1)).isPositive();
        assertThat(unrelated.acquire("call", null, 1)).isZero();
    }

    @Test
    void tokensBeyondTheBudgetWaitButALoneLargeCallStillGoesWhenTheWindowIsEmpty() {
        ProviderLimits limits = new RedisProviderLimits(client, "p4", 0, 100, Duration.ofMinutes(1));

        assertThat(limits.acquire("call", null, 60)).isZero();
        assertThat(limits.acquire("call", null, 60)).isPositive();
        assertThat(limits.acquire("call", null, 40)).isZero();
        assertThat(limits.acquire("call", null, 1)).isPositive();

        ProviderLimits empty = new RedisProviderLimits(client, "p5", 0, 100, Duration.ofMinutes(1));
        assertThat(empty.acquire("call", null, 500)).isZero();
    }

    @Test
    void aPauseStopsEveryReplicaUntilItEndsAndIsNeverShortened() {
        ProviderLimits one = new RedisProviderLimits(client, "p6", 0, 0, Duration.ofMinutes(1));
        ProviderLimits other = new RedisProviderLimits(client, "p6", 0, 0, Duration.ofMinutes(1));

        one.pause(Duration.ofSeconds(30));
        other.pause(Duration.ofSeconds(1));

        assertThat(other.acquire("call", null, 1)).isGreaterThan(Duration.ofSeconds(25));
        assertThat((Long) server.redis().call("PTTL", RedisKeys.providerPauseKey("p6")))
                .isGreaterThan(25_000L);
    }

    @Test
    void aPauseStopsCallsWhetherTheProviderHasBudgetsOrNotAndEndsWithItsTime() {
        ProviderLimits unlimited = new RedisProviderLimits(client, "p8", 0, 0, Duration.ofMinutes(1));
        ProviderLimits limited = new RedisProviderLimits(client, "p8", 100, 0, Duration.ofMinutes(1));
        assertThat(unlimited.acquire("before", null, 1)).isZero();

        limited.pause(Duration.ofSeconds(20));

        // a replica without budgets believes the absence of a pause it saw for at most UNPAUSED_RECHECK
        await().atMost(RedisProviderLimits.UNPAUSED_RECHECK.plusSeconds(1))
                .until(() -> unlimited.acquire("during", null, 1).compareTo(Duration.ofSeconds(15)) >= 0);
        assertThat(unlimited.acquire("during", null, 1)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
        assertThat(limited.acquire("during", null, 1)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
        server.redis().call("PEXPIRE", RedisKeys.providerPauseKey("p8"), "1");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> unlimited.acquire("after", null, 1).isZero());
        assertThat(limited.acquire("after", null, 1)).isZero();
        unlimited.pause(Duration.ofSeconds(20));
        // the replica that was told to pause knows at once
        assertThat(unlimited.acquire("own", null, 1)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
    }

    @Test
    void callsInFlightAcrossReplicasStayUnderTheCapAndAForgottenSlotFreesItself() {
        ProviderLimits one =
                new RedisProviderLimits(client, "p8", 0, 0, Duration.ofMinutes(1), 2, Duration.ofMinutes(5), Map.of());
        ProviderLimits other =
                new RedisProviderLimits(client, "p8", 0, 0, Duration.ofMinutes(1), 2, Duration.ofMinutes(5), Map.of());

        assertThat(one.acquire("a", null, 1)).isZero();
        assertThat(other.acquire("b", null, 1)).isZero();
        assertThat(one.acquire("c", null, 1)).isPositive();

        other.release("b");
        assertThat(one.acquire("c", null, 1)).isZero();

        ProviderLimits shortLease =
                new RedisProviderLimits(client, "p9", 0, 0, Duration.ofMinutes(1), 1, Duration.ofMillis(300), Map.of());
        assertThat(shortLease.acquire("crashed", null, 1)).isZero();
        assertThat(shortLease.acquire("next", null, 1)).isPositive();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> shortLease.acquire("next", null, 1).isZero());
    }

    @Test
    void aModelsOwnBudgetLimitsItAloneWithinItsProvidersBudget() {
        ProviderLimits limits = new RedisProviderLimits(
                client,
                "p10",
                3,
                0,
                Duration.ofMinutes(1),
                0,
                Duration.ofMinutes(5),
                RedisProviderLimits.ModelLimit.parse("big-model:1:0"));

        assertThat(limits.acquire("1", "big-model", 1)).isZero();
        assertThat(limits.acquire("2", "big-model", 1))
                .as("the model's own budget")
                .isPositive();
        assertThat(limits.acquire("3", "small-model", 1)).isZero();
        assertThat(limits.acquire("4", null, 1)).isZero();
        assertThat(limits.acquire("5", "small-model", 1))
                .as("the provider's budget")
                .isPositive();
    }

    @Test
    void modelLimitsAreParsedFromOneSetting() {
        assertThat(RedisProviderLimits.ModelLimit.parse("gpt-4o:500:30000, o1:20:0"))
                .containsEntry("gpt-4o", new RedisProviderLimits.ModelLimit(500, 30_000))
                .containsEntry("o1", new RedisProviderLimits.ModelLimit(20, 0));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> RedisProviderLimits.ModelLimit.parse("gpt-4o:lots"))
                .withMessageContaining("model:requests:tokens");
    }

    @Test
    void unlimitedProvidersKeepNoState() {
        ProviderLimits limits = new RedisProviderLimits(client, "p7", 0, 0, Duration.ofMinutes(1));

        assertThat(limits.acquire("call", null, 1_000_000)).isZero();
        assertThat(server.redis().call("DBSIZE")).isEqualTo(0L);
    }
}
