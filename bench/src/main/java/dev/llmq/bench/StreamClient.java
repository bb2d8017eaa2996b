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
import org.redisson.api.RBatch;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Puts queries straight onto llmq's stream and learns their outcomes from the result channels, without the
 * api-service: what a worker alone sustains, when the HTTP side of the machine would be the limit first. Writes what
 * the api would, in one pipeline as the api does: the id from llmq's counter, the queued status record ({@code SET
 * ... PX}; a worker drops an entry whose query Redis does not know, as one lost in a failover) and the query JSON in
 * the stream entry's {@code query} field.
 */
final class StreamClient implements AutoCloseable {

    private static final String RESULT_PREFIX = "query_result_";
    /** How long a status record is kept, as the api's default result TTL. */
    private static final Duration STATUS_TTL = Duration.ofHours(24);

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
        Submitted submitted = submit(prompt);
        try {
            String json = submitted.outcome().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (!json.contains("\"succeeded\"")) {
                throw new IOException("query " + submitted.id() + " did not succeed: " + json);
            }
        } catch (TimeoutException ex) {
            throw new IOException("no outcome for query " + submitted.id() + " within " + wait);
        } finally {
            waiting.remove(submitted.id());
        }
    }

    /** A query put onto the stream, and its outcome JSON once published. */
    record Submitted(long id, CompletableFuture<String> outcome) {}

    /** Enqueues {@code prompt} (plain text, no quotes or backslashes); the outcome is listened for before it is. */
    Submitted submit(String prompt) {
        long id = redis.getAtomicLong("llmq:query-ids").incrementAndGet();
        CompletableFuture<String> outcome = new CompletableFuture<>();
        waiting.put(id, outcome);
        Instant now = Instant.now();
        String query = "{\"id\":" + id + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                + "\"}],\"submitted_at\":\"" + now + "\",\"attempt\":1,\"tenant\":\"local\","
                + "\"in_flight_counted\":false}";
        String status = "{\"status\":\"queued\",\"tenant\":\"local\",\"submitted_at\":\"" + now + "\",\"attempts\":0}";
        RBatch batch = redis.createBatch();
        batch.<String>getBucket("llmq:status:{" + RESULT_PREFIX + id + "}", StringCodec.INSTANCE)
                .setAsync(status, STATUS_TTL);
        batch.<String, String>getStream("{llmq}:queries", StringCodec.INSTANCE)
                .addAsync(StreamAddArgs.entry("query", query));
        batch.execute();
        return new Submitted(id, outcome);
    }

    /** Stops listening for the outcome of query {@code id} (one {@link #submit} was given). */
    void forget(long id) {
        waiting.remove(id);
    }

    @Override
    public void close() {
        redis.shutdown();
    }
}
