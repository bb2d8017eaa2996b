package dev.llmq.shared.redis;

import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.RedisSentinelExtension;

/**
 * {@link RedisQueuesIT} through Sentinel: the client finds the primary by asking a Sentinel and runs every script,
 * pipeline, blocking read and subscription there.
 */
class RedisQueuesOnSentinelIT extends RedisQueuesIT {

    @Override
    RedisExtension redisUnderTest() {
        return new RedisSentinelExtension();
    }
}
