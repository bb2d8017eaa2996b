package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.testing.RedisSentinelExtension;
import dev.llmq.shared.testing.TestRedisSentinel;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * A submission asked to be confirmed by a replica is accepted only once the replica has its id, status and entry: a
 * failover right after cannot lose it nor issue its id again.
 */
class SubmissionConfirmationIT {

    private static final Duration TTL = Duration.ofHours(1);

    @RegisterExtension
    static RedisSentinelExtension server = new RedisSentinelExtension();

    private static TestRedisSentinel redis;
    private static RedissonClient client;
    private static RedisQueryQueue confirmed;
    /** Waits longer for the replica: a loaded machine (test JVMs side by side) can take over 500 ms to confirm. */
    private static RedisQueryQueue patient;

    @BeforeAll
    static void connect() {
        redis = server.redis();
        client = redis.connect("test-confirmation");
        confirmed = new RedisQueryQueue(client, Clock.systemUTC(), TTL, () -> null, 1, Duration.ofMillis(500));
        patient = new RedisQueryQueue(client, Clock.systemUTC(), TTL, () -> null, 1, Duration.ofSeconds(10));
    }

    @AfterAll
    static void disconnect() {
        client.shutdown();
    }

    @Test
    void anAcceptedSubmissionIsOnTheReplicaAlready() {
        Query query = patient.submit("kept twice");

        assertThat(redis.callOnReplica("GET", RedisKeys.QUERY_ID_COUNTER))
                .isEqualTo(Long.toString(query.id().value()));
        assertThat(redis.callOnReplica("EXISTS", RedisKeys.statusKey(query.id())))
                .isEqualTo(1L);
        assertThat(redis.callOnReplica("XRANGE", RedisKeys.QUERY_STREAM, "-", "+")
                        .toString())
                .contains("kept twice");
    }

    @Test
    void aSubmissionNoReplicaConfirmedInTimeIsNotAccepted() throws Exception {
        // the replica answers nothing, replication acknowledgements included, for longer than a submission waits
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> redis.callOnReplica("DEBUG", "SLEEP", "1.5"));
        Thread.sleep(200);

        assertThatThrownBy(() -> confirmed.submit("on the primary alone"))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("0 of 1 replicas confirmed it");
        asleep.join();
    }
}
