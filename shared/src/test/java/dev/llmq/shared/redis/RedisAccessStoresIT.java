package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.access.ApiKeyId;
import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.access.TenantLimits;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.testing.RedisExtension;
import dev.llmq.shared.testing.RedisServerExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** The API key store and tenant quotas against a real Redis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisAccessStoresIT {

    private static final String DIGEST_A = "a".repeat(64);
    private static final String DIGEST_B = "b".repeat(64);

    @RegisterExtension
    final RedisExtension server = redisUnderTest();

    private RedissonClient client;

    /** The Redis these tests run on: one server here, a Redis Cluster in {@code RedisAccessStoresOnClusterIT}. */
    RedisExtension redisUnderTest() {
        return new RedisServerExtension();
    }

    @BeforeAll
    void connect() {
        client = server.redis().connect("test");
    }

    @AfterAll
    void disconnect() {
        client.shutdown();
    }

    @BeforeEach
    void empty() {
        server.redis().flushAll();
    }

    @Test
    void aKeyIsFoundByItsDigestListedByTenantAndGoneOnceRevoked() {
        ApiKeyStore keys = new RedisApiKeyStore(client, ReplicaConfirmation.NONE);
        ApiKeyRecord a = key("acme", Instant.parse("2026-12-01T10:00:00Z"));
        ApiKeyRecord b = key("other", Instant.parse("2026-12-01T11:00:00Z"));
        keys.create(DIGEST_A, a);
        keys.create(DIGEST_B, b);

        assertThat(keys.findByDigest(DIGEST_A)).contains(a);
        assertThat(keys.list(null)).containsExactly(a, b);
        assertThat(keys.list(new TenantId("acme"))).containsExactly(a);

        assertThat(keys.revoke(a.id())).isTrue();
        assertThat(keys.findByDigest(DIGEST_A)).isEmpty();
        assertThat(keys.list(null)).containsExactly(b);
        assertThat(keys.revoke(a.id())).isFalse();
    }

    @Test
    void anIndexEntryLeftWithoutItsKeyIsSkippedAndStillRevocable() {
        ApiKeyStore keys = new RedisApiKeyStore(client, ReplicaConfirmation.NONE);
        ApiKeyRecord a = key("acme", Instant.EPOCH);
        keys.create(DIGEST_A, a);
        client.getMap(RedisKeys.apiKey(DIGEST_A), StringCodec.INSTANCE).delete();

        assertThat(keys.list(null)).isEmpty();
        assertThat(keys.revoke(a.id())).isTrue();
    }

    @Test
    void aTenantsRequestsAreCountedInASlidingMinuteUnderItsOwnLimitsOrTheDefaults() {
        TenantQuotas quotas = new RedisTenantQuotas(client, ReplicaConfirmation.NONE);
        TenantId tenant = new TenantId("acme");
        TenantLimits defaults = new TenantLimits(600, 100);

        assertThat(quotas.find(tenant)).isEmpty();
        assertThat(quotas.admit(tenant, defaults).limits()).isEqualTo(defaults);

        quotas.put(tenant, new TenantLimits(3, 7));
        assertThat(quotas.find(tenant)).contains(new TenantLimits(3, 7));
        assertThat(quotas.admit(tenant, defaults).admitted()).isTrue();
        assertThat(quotas.admit(tenant, defaults).admitted()).isTrue();
        TenantQuotas.Admission refused = quotas.admit(tenant, defaults);

        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfter()).isBetween(Duration.ofMillis(1), Duration.ofMinutes(1));
        assertThat(refused.limits()).isEqualTo(new TenantLimits(3, 7));
        assertThat(client.getKeys().remainTimeToLive(RedisKeys.tenantRequestsKey(tenant)))
                .isBetween(1L, 60_000L);
        assertThat(quotas.admit(new TenantId("other"), defaults).admitted()).isTrue();
    }

    @Test
    void noRateCapAdmitsEverythingAndCountsNothing() {
        TenantQuotas quotas = new RedisTenantQuotas(client, ReplicaConfirmation.NONE);
        TenantId tenant = new TenantId("free");

        for (int i = 0; i < 50; i++) {
            assertThat(quotas.admit(tenant, new TenantLimits(0, 0)).admitted()).isTrue();
        }
        assertThat(client.getKeys().countExists(RedisKeys.tenantRequestsKey(tenant)))
                .isZero();
    }

    private static ApiKeyRecord key(String tenant, Instant createdAt) {
        return new ApiKeyRecord(ApiKeyId.random(), new TenantId(tenant), "key of " + tenant, createdAt);
    }
}
