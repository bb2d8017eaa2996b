package dev.llmq.api.query;

import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.api.RedissonClient;

/**
 * Plays the worker in api-service tests: reads the stream and stores outcomes through the real work queue. Register it
 * beside the Redis extension: {@code @RegisterExtension static StandInWorker standIn = new StandInWorker(server);}.
 */
final class StandInWorker implements AfterAllCallback {

    private final RedisServerExtension server;
    private RedissonClient client;
    private RedisWorkQueue queue;

    StandInWorker(RedisServerExtension server) {
        this.server = server;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.shutdown();
        }
    }

    /** The work queue, connected on first use (extensions' start order is not declaration order). */
    synchronized RedisWorkQueue queue() {
        if (queue == null) {
            client = RedisClients.connect(server.redis().url(), Duration.ofSeconds(2), 4, "test-worker");
            queue = new RedisWorkQueue(client, "test-worker", Duration.ofHours(1));
            queue.ensureGroup();
        }
        return queue;
    }
}
