package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.TestRedisCluster;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisNotificationsAndBatchesIT} on a Redis Cluster of three primaries. A client subscribes on one node while
 * outcomes are published on the nodes holding their result keys; the classic (unsharded) PUBLISH that llmq uses is
 * forwarded over the cluster bus to every node, so each subscription hears every outcome.
 */
class RedisNotificationsAndBatchesOnClusterIT extends RedisNotificationsAndBatchesIT {

    @Override
    RedisExtension redisUnderTest() {
        return new RedisClusterExtension();
    }

    @Test
    void theOutcomesHeardAcrossTheClusterWereStoredOnEveryPrimary() {
        TestRedisCluster cluster = (TestRedisCluster) redis();

        List<QueryId> ids = finishQueries(12);

        assertThat(ids.stream()
                        .map(id -> cluster.primaryOf(RedisKeys.resultKey(id)))
                        .collect(Collectors.toSet()))
                .as("the result keys of these queries spread over every primary, so the subscription test above"
                        + " heard publishes from other nodes than its own")
                .containsExactlyInAnyOrderElementsOf(cluster.primaries());
        assertThat(ids)
                .allSatisfy(id -> assertThat(cluster.primaryOf(RedisKeys.statusKey(id)))
                        .as("a query's status lives in its result key's slot")
                        .isEqualTo(cluster.primaryOf(RedisKeys.resultKey(id))));
    }
}
