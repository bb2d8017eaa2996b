package dev.llmq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.redis.Begun;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisWorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * What {@code slow-llm}'s worker-alone phase writes is a query llmq's worker processes: read with the worker's own
 * queue code from a real {@code redis-server}, begun (a worker drops an entry whose query Redis does not know, which
 * made that phase measure nothing from 2026-12-02 to 2026-12-03), finished, and its outcome heard by the client.
 */
class StreamClientTests {

    @Test
    void aQueryPutStraightOntoTheStreamIsOneTheWorkerBeginsAndAnswers() throws Exception {
        Workspace workspace = Workspace.find();
        try (RedisProcess server = RedisProcess.start(workspace, "stream-client-tests-redis");
                StreamClient client = new StreamClient(server.url())) {
            Config config = new Config();
            config.useSingleServer().setAddress(server.url());
            RedissonClient redis = Redisson.create(config);
            try {
                RedisWorkQueue queue = new RedisWorkQueue(redis, "tests", Duration.ofHours(1));
                queue.ensureGroup();
                StreamClient.Submitted submitted = client.submit("hello");

                List<Delivery> read = queue.read(10, Duration.ofSeconds(1));
                assertThat(read).hasSize(1);
                Delivery delivery = read.getFirst();
                assertThat(delivery.query().id().value()).isEqualTo(submitted.id());
                assertThat(queue.begin(delivery, Instant.now())).isInstanceOf(Begun.Running.class);
                Outcome outcome = Outcome.of(
                        delivery.query(),
                        Instant.now(),
                        1,
                        Instant.now(),
                        new Outcome.Answered("hi", "gpt-4o-mini", new Usage(1, 1), Timing.UNKNOWN));
                assertThat(queue.finish(delivery, outcome)).isTrue();

                assertThat(submitted.outcome().get(10, TimeUnit.SECONDS)).contains("\"succeeded\"");
            } finally {
                redis.shutdown();
            }
        }
    }
}
