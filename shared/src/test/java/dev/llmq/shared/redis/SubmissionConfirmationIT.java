package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmq.shared.access.ApiKeyId;
import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.access.TenantLimits;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.testing.RedisSentinelExtension;
import dev.llmq.shared.testing.TestRedisSentinel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * A submission asked to be confirmed by a replica is accepted only once the replica has its id, status and entry: a
 * failover right after cannot lose it nor issue its id again. The same holds for a batch's file, record and lines, a
 * cancel, an API key and its revocation, and a tenant's limits.
 */
class SubmissionConfirmationIT {

    private static final Duration TTL = Duration.ofHours(1);
    private static final String KEPT_DIGEST = "c".repeat(64);
    private static final String REVOKED_DIGEST = "d".repeat(64);

    @RegisterExtension
    static RedisSentinelExtension server = new RedisSentinelExtension();

    private static TestRedisSentinel redis;
    private static RedissonClient client;
    private static RedisQueryQueue confirmed;
    /** Waits longer for the replica: a loaded machine (test JVMs side by side) can take over 500 ms to confirm. */
    private static RedisQueryQueue patient;

    private static RedisQueryControl confirmedControl;
    private static RedisQueryControl patientControl;

    private static RedisBatchStore confirmedBatches;
    private static RedisBatchStore patientBatches;

    @BeforeAll
    static void connect() {
        redis = server.redis();
        client = redis.connect("test-confirmation");
        confirmed = new RedisQueryQueue(
                client, Clock.systemUTC(), TTL, () -> null, new ReplicaConfirmation(1, Duration.ofMillis(500)));
        patient = new RedisQueryQueue(
                client, Clock.systemUTC(), TTL, () -> null, new ReplicaConfirmation(1, Duration.ofSeconds(10)));
        confirmedControl = new RedisQueryControl(
                client,
                new RedisResultStore(client),
                Clock.systemUTC(),
                TTL,
                new ReplicaConfirmation(1, Duration.ofMillis(500)));
        patientControl = new RedisQueryControl(
                client,
                new RedisResultStore(client),
                Clock.systemUTC(),
                TTL,
                new ReplicaConfirmation(1, Duration.ofSeconds(10)));
        confirmedBatches = new RedisBatchStore(
                client, Clock.systemUTC(), TTL, TTL, () -> null, new ReplicaConfirmation(1, Duration.ofMillis(500)));
        patientBatches = new RedisBatchStore(
                client, Clock.systemUTC(), TTL, TTL, () -> null, new ReplicaConfirmation(1, Duration.ofSeconds(10)));
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

    @Test
    void anAnsweredCancelIsOnTheReplicaAlready() {
        Query query = patient.submit("cancelled twice over");

        QueryControl.CancelResult cancelled = patientControl.cancel(query.id(), query.tenant());

        assertThat(cancelled).isInstanceOf(QueryControl.CancelResult.Cancelled.class);
        assertThat((String) redis.callOnReplica("GET", RedisKeys.resultKey(query.id())))
                .contains("\"status\":\"cancelled\"");
        assertThat(redis.callOnReplica("EXISTS", RedisKeys.statusKey(query.id())))
                .isEqualTo(0L);
    }

    @Test
    void aCancelNoReplicaConfirmedInTimeFailsAndARetrySeesItTookEffect() throws Exception {
        Query query = patient.submit("cancelled on the primary alone");
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> redis.callOnReplica("DEBUG", "SLEEP", "1.5"));
        Thread.sleep(200);

        assertThatThrownBy(() -> confirmedControl.cancel(query.id(), query.tenant()))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("query " + query.id() + "'s cancel was written on the primary")
                .hasMessageContaining("0 of 1 replicas confirmed it");
        asleep.join();

        assertThat(patientControl.cancel(query.id(), query.tenant()))
                .isInstanceOfSatisfying(
                        QueryControl.CancelResult.AlreadyEnded.class,
                        ended -> assertThat(ended.json()).contains("\"status\":\"cancelled\""));
    }

    @Test
    void anApiKeyIsOnTheReplicaOnceCreatedAndGoneFromItOnceRevoked() {
        RedisApiKeyStore keys = new RedisApiKeyStore(client, new ReplicaConfirmation(1, Duration.ofSeconds(10)));
        ApiKeyRecord key = new ApiKeyRecord(
                new ApiKeyId("key_00000000000000000000cafe"), new TenantId("acme"), "kept", Instant.EPOCH);

        keys.create(KEPT_DIGEST, key);

        assertThat(redis.callOnReplica("HGET", RedisKeys.apiKey(KEPT_DIGEST), "tenant"))
                .isEqualTo("acme");
        assertThat(redis.callOnReplica("HGET", RedisKeys.API_KEY_INDEX, "key_00000000000000000000cafe"))
                .isEqualTo(KEPT_DIGEST);

        assertThat(keys.revoke(key.id())).isTrue();

        assertThat(redis.callOnReplica("EXISTS", RedisKeys.apiKey(KEPT_DIGEST))).isEqualTo(0L);
        assertThat(redis.callOnReplica("HEXISTS", RedisKeys.API_KEY_INDEX, "key_00000000000000000000cafe"))
                .isEqualTo(0L);
    }

    @Test
    void aRevocationNoReplicaConfirmedFailsAfterTheKeyStoppedWorkingAndARetryCompletesIt() throws Exception {
        RedisApiKeyStore patientKeys = new RedisApiKeyStore(client, new ReplicaConfirmation(1, Duration.ofSeconds(10)));
        RedisApiKeyStore keys = new RedisApiKeyStore(client, new ReplicaConfirmation(1, Duration.ofMillis(500)));
        ApiKeyRecord key = new ApiKeyRecord(
                new ApiKeyId("key_0000000000000000000dead0"), new TenantId("acme"), "revoked", Instant.EPOCH);
        patientKeys.create(REVOKED_DIGEST, key);
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> redis.callOnReplica("DEBUG", "SLEEP", "1.5"));
        Thread.sleep(200);

        assertThatThrownBy(() -> keys.revoke(key.id()))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("API key key_0000000000000000000dead0's revocation was written on the primary");
        asleep.join();

        assertThat(patientKeys.findByDigest(REVOKED_DIGEST)).isEmpty();
        assertThat(patientKeys.revoke(key.id()))
                .as("the retry finds the index entry left")
                .isTrue();
        assertThat(redis.callOnReplica("HEXISTS", RedisKeys.API_KEY_INDEX, "key_0000000000000000000dead0"))
                .isEqualTo(0L);
    }

    @Test
    void tenantLimitsAreOnTheReplicaOnceSetAndRefusedWhenNoneConfirms() throws Exception {
        TenantId tenant = new TenantId("limited");
        new RedisTenantQuotas(client, new ReplicaConfirmation(1, Duration.ofSeconds(10)))
                .put(tenant, new TenantLimits(60, 5));

        assertThat(redis.callOnReplica("HGET", RedisKeys.tenantLimitsKey(tenant), "max_in_flight"))
                .isEqualTo("5");

        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> redis.callOnReplica("DEBUG", "SLEEP", "1.5"));
        Thread.sleep(200);
        assertThatThrownBy(() -> new RedisTenantQuotas(client, new ReplicaConfirmation(1, Duration.ofMillis(500)))
                        .put(tenant, new TenantLimits(60, 6)))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("tenant limited's limits");
        asleep.join();
    }

    @Test
    void aBatchsFileRecordAndLinesAreOnTheReplicaOnceStored() {
        TenantId tenant = new TenantId("batch-kept");
        BatchStore.BatchRef ref = new BatchStore.BatchRef(tenant, "batch-kept-1");

        patientBatches.saveFile(
                tenant,
                "file-kept",
                System.currentTimeMillis(),
                Map.of("purpose", "batch"),
                new byte[] {'{', '}'},
                TTL);
        patientBatches.createBatch(
                tenant, ref.batchId(), System.currentTimeMillis(), Map.of("status", "in_progress"), true, TTL);
        List<QueryId> ids = patientBatches.submitLines(ref, 0, lines("first", "second"), Submission.of(tenant), TTL);

        assertThat(redis.callOnReplica("EXISTS", RedisKeys.fileKey(tenant, "file-kept")))
                .isEqualTo(1L);
        assertThat(redis.callOnReplica("EXISTS", RedisKeys.fileContentKey(tenant, "file-kept")))
                .isEqualTo(1L);
        assertThat(redis.callOnReplica("ZSCORE", RedisKeys.ACTIVE_BATCHES, ref.member()))
                .isNotNull();
        assertThat(redis.callOnReplica("GET", RedisKeys.QUERY_ID_COUNTER))
                .isEqualTo(Long.toString(ids.getLast().value()));
        for (QueryId id : ids) {
            assertThat(redis.callOnReplica("EXISTS", RedisKeys.statusKey(id))).isEqualTo(1L);
        }
        assertThat(redis.callOnReplica("XRANGE", RedisKeys.QUERY_STREAM, "-", "+")
                        .toString())
                .contains("first", "second");
    }

    @Test
    void aChunkOfLinesNoReplicaConfirmedIsNotRecordedAndIsEnqueuedOnceWhenResumed() throws Exception {
        TenantId tenant = new TenantId("batch-resumed");
        BatchStore.BatchRef ref = new BatchStore.BatchRef(tenant, "batch-resumed-1");
        patientBatches.createBatch(
                tenant, ref.batchId(), System.currentTimeMillis(), Map.of("submitted_lines", "0"), true, TTL);
        List<BatchStore.Line> lines = lines("third", "fourth", "fifth");

        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> redis.callOnReplica("DEBUG", "SLEEP", "1.5"));
        Thread.sleep(200);
        assertThatThrownBy(() -> confirmedBatches.submitLines(ref, 0, lines, Submission.of(tenant), TTL))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("batch-resumed-1's lines 0-2")
                .hasMessageContaining("0 of 1 replicas confirmed it");
        asleep.join();
        assertThat(patientBatches.batch(tenant, ref.batchId()))
                .hasValueSatisfying(fields -> assertThat(fields).containsEntry("submitted_lines", "0"));

        List<QueryId> ids = patientBatches.submitLines(ref, 0, lines, Submission.of(tenant), TTL);

        assertThat(patientBatches.batch(tenant, ref.batchId()))
                .hasValueSatisfying(fields -> assertThat(fields).containsEntry("submitted_lines", "3"));
        String entries =
                redis.callOnReplica("XRANGE", RedisKeys.QUERY_STREAM, "-", "+").toString();
        for (String prompt : List.of("third", "fourth", "fifth")) {
            assertThat(entries.split(prompt, -1)).as("entries for " + prompt).hasSize(2);
        }
        for (QueryId id : ids) {
            assertThat(redis.callOnReplica("EXISTS", RedisKeys.statusKey(id))).isEqualTo(1L);
        }
    }

    @Test
    void aBatchNoReplicaConfirmedInTimeIsNotCreated() throws Exception {
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> redis.callOnReplica("DEBUG", "SLEEP", "1.5"));
        Thread.sleep(200);

        assertThatThrownBy(() -> confirmedBatches.createBatch(
                        new TenantId("batch-refused"),
                        "batch-refused-1",
                        System.currentTimeMillis(),
                        Map.of(),
                        true,
                        TTL))
                .isInstanceOf(ReplicaConfirmationException.class)
                .hasMessageContaining("batch batch-refused-1 was written on the primary");
        asleep.join();
    }

    private static List<BatchStore.Line> lines(String... prompts) {
        List<BatchStore.Line> lines = new ArrayList<>();
        for (String prompt : prompts) {
            lines.add(new BatchStore.Line("line-" + prompt, QueryRequest.ofPrompt(prompt)));
        }
        return lines;
    }
}
