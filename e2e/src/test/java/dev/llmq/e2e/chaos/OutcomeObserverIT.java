package dev.llmq.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chaos runs' detector of overwrites, on a real Redis with an append-only file: it counts a stored outcome once,
 * a refused {@code SET NX} not at all, a real second write (after the key was deleted) twice, and not the writes Redis
 * replays from its append-only file after a kill -9.
 */
class OutcomeObserverIT {

    /** The workers' finish script in short: set if absent, then publish. */
    private static final String FINISH = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 100000) then"
            + " redis.call('PUBLISH', KEYS[1], ARGV[1]) return 1 end return 0";

    @RegisterExtension
    static RedisServerExtension server = RedisServerExtension.withAppendOnlyFile();

    @Test
    void countsRealWritesOnlyAcrossARedisRestart() {
        server.redis().assumeRestartable();
        try (OutcomeObserver observer = OutcomeObserver.start(RedisAudit.nodes(server.redis()))) {
            finish(1, "first");
            finish(1, "second");
            finish(2, "first");
            server.redis().call("DEL", "query_result_2");
            finish(2, "again");
            await().atMost(Duration.ofSeconds(10)).until(() -> observer.seen(2).writes() == 2);

            assertThat(observer.seen(1))
                    .isEqualTo(
                            new OutcomeObserver.Seen("first", observer.seen(1).firstSeenMillis(), 1, 1));
            assertThat(observer.seen(2).publishes()).isEqualTo(2);
            assertThat(observer.seen(2).firstValue()).isEqualTo("first");

            server.redis().kill();
            server.redis().restart();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                finish(3, "after the restart");
                return observer.published(3);
            });
            assertThat(observer.seen(1).writes())
                    .as("replayed from the append-only file")
                    .isEqualTo(1);
            assertThat(observer.seen(3).writes()).isEqualTo(1);
        }
    }

    private static void finish(long id, String outcome) {
        server.redis().call("EVAL", FINISH, "1", "query_result_" + id, outcome);
    }
}
