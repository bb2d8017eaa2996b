package dev.llmq.api.query;

import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisWorkQueue;
import java.time.Duration;
import org.redisson.api.RedissonClient;

/** Plays the worker in api-service tests: reads the stream and stores outcomes through the real work queue. */
final class StandInWorker implements AutoCloseable {

    private final RedissonClient client;
    private final RedisWorkQueue queue;

    StandInWorker(String redisUrl) {
        client = RedisClients.connect(redisUrl, Duration.ofSeconds(2), 4, "test-worker");
        queue = new RedisWorkQueue(client, "test-worker", Duration.ofHours(1));
        queue.ensureGroup();
    }

    RedisWorkQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
