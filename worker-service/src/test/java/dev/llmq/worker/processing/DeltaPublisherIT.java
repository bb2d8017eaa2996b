package dev.llmq.worker.processing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * What a streamed answer costs in Redis: pieces paced by a test clock go through {@link RedisAnswerDeltas} to a real
 * Redis, whose {@code INFO commandstats} and partial-answer key show what was written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeltaPublisherIT {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private RedissonClient client;
    private RedisAnswerDeltas deltas;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @BeforeAll
    void connect() {
        client = server.redis().connect("deltas-test");
        deltas = new RedisAnswerDeltas(client, Duration.ofMinutes(1));
    }

    @AfterAll
    void disconnect() {
        deltas.close();
        client.shutdown();
    }

    @BeforeEach
    void emptyRedis() {
        server.redis().flushAll();
        server.redis().call("CONFIG", "RESETSTAT");
    }

    @Test
    void anAnswerThatStreamsInWithinOneIntervalOfItsFirstPieceWritesNothing() {
        DeltaPublisher publisher = new DeltaPublisher(deltas, new QueryId(1), INTERVAL, now::get);

        // a provider that took seconds to its first token, then sent the rest at once
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        for (String piece : new String[] {"Hello", ", ", "world", "!"}) {
            publisher.accept(piece);
            now.addAndGet(Duration.ofMillis(5).toNanos());
        }

        assertThat(server.redis().call("EXISTS", RedisKeys.partialAnswerKey(new QueryId(1))))
                .isEqualTo(0L);
        assertThat(commandCalls("append")).isZero();
        assertThat(publisher.published())
                .as("a partial answer to delete with the outcome")
                .isFalse();
    }

    @Test
    void aSlowAnswerIsLiveFromItsSecondPieceOnAtMostOnceAnInterval() {
        DeltaPublisher publisher = new DeltaPublisher(deltas, new QueryId(2), INTERVAL, now::get);

        publisher.accept("one ");
        assertThat(commandCalls("append")).isZero();
        now.addAndGet(Duration.ofMillis(150).toNanos());
        publisher.accept("two ");
        assertThat(partial(2)).isEqualTo("one two ");
        now.addAndGet(Duration.ofMillis(20).toNanos());
        publisher.accept("three ");
        assertThat(partial(2)).as("within the interval of the last write").isEqualTo("one two ");
        now.addAndGet(Duration.ofMillis(40).toNanos());
        publisher.accept("four");

        assertThat(partial(2)).isEqualTo("one two three four");
        assertThat(commandCalls("append")).isEqualTo(2);
        assertThat(publisher.published())
                .as("a partial answer to delete with the outcome")
                .isTrue();
    }

    private String partial(long id) {
        return (String) server.redis().call("GET", RedisKeys.partialAnswerKey(new QueryId(id)));
    }

    private long commandCalls(String command) {
        return server.redis().commandCalls().getOrDefault(command, 0L);
    }
}
