package dev.llmq.shared.redis;

import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.RedisExtension;

/**
 * {@link QueryLifecycleRedisIT} on a Redis Cluster of three primaries: each script and pipeline must keep its keys in one slot (or
 * Redis answers CROSSSLOT), and notifications must reach subscribers on whichever node they listen.
 */
class QueryLifecycleRedisOnClusterIT extends QueryLifecycleRedisIT {

    @Override
    RedisExtension redisUnderTest() {
        return new RedisClusterExtension();
    }
}
