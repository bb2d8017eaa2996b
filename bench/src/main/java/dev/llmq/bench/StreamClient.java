package dev.llmq.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.Redisson;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Puts queries straight onto llmq's stream and learns their outcomes from the result channels, without the
 * api-service: what a worker alone sustains, when the HTTP side of the machine would be the limit first. Writes what
 * the api would (the id from llmq's counter, the query JSON in the {@code query} field) except the status record,
 * which the worker does not need (without it, beginning a query costs the worker one read more).
 */
final class StreamClient implements AutoCloseable {

    private static final String RESULT_PREFIX = "query_result_";

    private final RedissonClient redis;
    private final RPatternTopic results;
    private final Map<Long, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

    StreamClient(String redisUrl) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress(redisUrl).setConnectionPoolSize(64).setConnectionMinimumIdleSize(8);
        this.redis = Redisson.create(config);
        this.results = redis.getPatternTopic(RESULT_PREFIX + "*", StringCodec.INSTANCE);
        results.addListener(String.class, (pattern, channel, outcome) -> {
            CompletableFuture<String> waiter =
                    waiting.remove(Long.parseLong(channel.toString().substring(RESULT_PREFIX.length())));
            if (waiter != null) {
                waiter.complete(outcome);
            }
        });
    }

    /** Enqueues {@code prompt} (plain text) and waits for its outcome; throws unless it succeeded in time. */
    void submitAndAwait(String prompt, Duration wait) throws Exception {
        long id = redis.getAtomicLong("llmq:query-ids").incrementAndGet();
        CompletableFuture<String> outcome = new CompletableFuture<>();
        waiting.put(id, outcome);
        try {
            String query = "{\"id\":" + id + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                    + "\"}],\"submitted_at\":\"" + Instant.now() + "\",\"attempt\":1,\"tenant\":\"local\","
                    + "\"in_flight_counted\":false}";
            redis.<String, String>getStream("{llmq}:queries", StringCodec.INSTANCE)
                    .add(StreamAddArgs.entry("query", query));
            String json = outcome.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (!json.contains("\"succeeded\"")) {
                throw new IOException("query " + id + " did not succeed: " + json);
            }
        } catch (TimeoutException ex) {
            throw new IOException("no outcome for query " + id + " within " + wait);
        } finally {
            waiting.remove(id);
        }
    }

    @Override
    public void close() {
        redis.shutdown();
    }
}
