package dev.llmq.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.access.ApiKeyId;
import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.access.TenantLimits;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.ApiKeyStore;
import dev.llmq.shared.redis.TenantQuotas;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;

/** The access decision for every mode, credential and client address, against in-memory stores. */
class AccessPolicyTests {

    private static final String ADMIN_KEY = "admin-key-for-tests-0123456789";

    private final FakeKeys keys = new FakeKeys();
    private final FakeQuotas quotas = new FakeQuotas();

    @ParameterizedTest(name = "{0} is loopback: {1}")
    @CsvSource({
        "127.0.0.1, true",
        "127.4.5.6, true",
        "::1, true",
        "0:0:0:0:0:0:0:1, true",
        "0:0:0:0:0:0:0:1%0, true",
        "::ffff:127.0.0.1, true",
        "10.0.0.7, false",
        "192.168.1.20, false",
        "128.0.0.1, false",
        "fe80::1, false",
        "::ffff:10.0.0.1, false",
        "localhost, false",
        "'', false",
        "127.0.0.1.evil.example, false",
        "1270.0.0.1, false"
    })
    void onlyLiteralLoopbackAddressesCountAsLoopback(String address, boolean loopback) {
        assertThat(AccessPolicy.isLoopback(address)).isEqualTo(loopback);
    }

    @Test
    void protectedModeServesLoopbackClientsWithoutKeyAsLocalAndRefusesOthers() {
        AccessPolicy policy = policy(null, true);

        assertThat(policy.forApi(new Credentials.None(), "127.0.0.1"))
                .isEqualTo(new AccessPolicy.Decision.Admit(Caller.LOCAL));
        assertThat(refusal(policy.forApi(new Credentials.None(), "10.1.2.3")))
                .satisfies(refusal -> assertThat(refusal.status()).isEqualTo(HttpStatus.FORBIDDEN))
                .satisfies(refusal -> assertThat(refusal.detail()).contains("protected mode", "LLMQ_API_ADMIN_KEY"));
    }

    @Test
    void protectedModeOffServesEveryClientWithoutKeyAsLocal() {
        assertThat(policy(null, false).forApi(new Credentials.None(), "10.1.2.3"))
                .isEqualTo(new AccessPolicy.Decision.Admit(Caller.LOCAL));
    }

    @Test
    void withAnAdminKeyEvenLoopbackClientsNeedAKey() {
        Refusal refusal = refusal(policy(ADMIN_KEY, true).forApi(new Credentials.None(), "127.0.0.1"));

        assertThat(refusal.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(refusal.headers()).containsKey("WWW-Authenticate");
    }

    @Test
    void aValidKeyActsForItsTenantWithTheTenantsInFlightCapInEveryMode() {
        String key = keys.add("acme");
        quotas.limits.put(new TenantId("acme"), new TenantLimits(0, 7));

        for (AccessPolicy policy : List.of(policy(ADMIN_KEY, true), policy(null, true), policy(null, false))) {
            assertThat(policy.forApi(new Credentials.Bearer(key), "10.1.2.3"))
                    .isEqualTo(new AccessPolicy.Decision.Admit(new Caller(new TenantId("acme"), 7)));
        }
    }

    @Test
    void aTokenThatIsNoLlmqKeyCountsAsNoKeyWhereNoneIsNeededAndIsRefusedWhereOneIs() {
        for (String token : List.of("sk-llmq-e2e", "unused", "../../x", ADMIN_KEY)) {
            assertThat(policy(null, true).forApi(new Credentials.Bearer(token), "127.0.0.1"))
                    .isEqualTo(new AccessPolicy.Decision.Admit(Caller.LOCAL));
            assertThat(refusal(policy(null, true).forApi(new Credentials.Bearer(token), "10.0.0.1"))
                            .status())
                    .isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(refusal(policy(ADMIN_KEY, true).forApi(new Credentials.Bearer(token), "127.0.0.1"))
                            .status())
                    .isEqualTo(HttpStatus.UNAUTHORIZED);
        }
    }

    @Test
    void anUnknownOrMalformedLlmqKeyIsRefusedEvenFromLoopbackWithoutKeysRequired() {
        AccessPolicy open = policy(null, false);

        for (String token : List.of(KeySecrets.newKey(), "llmq_../../x", "llmq_short", "LLMQ_" + "a".repeat(43))) {
            Refusal refusal = refusal(open.forApi(new Credentials.Bearer(token), "127.0.0.1"));
            assertThat(refusal.status()).isEqualTo(HttpStatus.UNAUTHORIZED);
            assertThat(refusal.detail()).doesNotContain(token);
        }
        assertThat(refusal(open.forApi(new Credentials.Malformed("use Bearer"), "127.0.0.1"))
                        .status())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(quotas.admitted).isZero();
    }

    @Test
    void aTenantOverItsRateGets429WithRetryAfterInWholeSeconds() {
        String key = keys.add("busy");
        quotas.wait = Duration.ofMillis(1_500);

        Refusal refusal = refusal(policy(ADMIN_KEY, true).forApi(new Credentials.Bearer(key), "10.0.0.1"));

        assertThat(refusal.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(refusal.headers()).containsEntry("Retry-After", "2");
    }

    @Test
    void aStoreFailureIs503NotAnAdmissionOrA500() {
        String key = keys.add("acme");
        keys.failing = true;

        assertThat(refusal(policy(null, true).forApi(new Credentials.Bearer(key), "127.0.0.1"))
                        .status())
                .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void adminEndpointsTakeOnlyTheAdminKey() {
        AccessPolicy policy = policy(ADMIN_KEY, true);
        String tenantKey = keys.add("acme");

        assertThat(policy.forAdmin(new Credentials.Bearer(ADMIN_KEY))).isEqualTo(new AccessPolicy.Decision.Admin());
        assertThat(refusal(policy.forAdmin(new Credentials.None())).status()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(refusal(policy.forAdmin(new Credentials.Bearer(ADMIN_KEY + "x")))
                        .status())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(refusal(policy.forAdmin(new Credentials.Bearer(tenantKey))).status())
                .isEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void adminEndpointsAreForbiddenWithAClearMessageWhenNoAdminKeyIsSet() {
        Refusal refusal = refusal(policy(null, true).forAdmin(new Credentials.Bearer(ADMIN_KEY)));

        assertThat(refusal.status()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refusal.detail()).contains("set LLMQ_API_ADMIN_KEY");
    }

    private AccessPolicy policy(@Nullable String adminKey, boolean protectedMode) {
        return new AccessPolicy(keys, quotas, new AccessProperties(adminKey, protectedMode, 600, 100));
    }

    private static Refusal refusal(AccessPolicy.Decision decision) {
        assertThat(decision).isInstanceOf(AccessPolicy.Decision.Refuse.class);
        return ((AccessPolicy.Decision.Refuse) decision).refusal();
    }

    /** Keys in a map by digest. */
    private static final class FakeKeys implements ApiKeyStore {

        final Map<String, ApiKeyRecord> byDigest = new HashMap<>();
        boolean failing;

        String add(String tenant) {
            String key = KeySecrets.newKey();
            create(
                    KeySecrets.digest(key),
                    new ApiKeyRecord(ApiKeyId.random(), new TenantId(tenant), "k", Instant.EPOCH));
            return key;
        }

        @Override
        public void create(String digest, ApiKeyRecord key) {
            byDigest.put(digest, key);
        }

        @Override
        public Optional<ApiKeyRecord> findByDigest(String digest) {
            if (failing) {
                throw new IllegalStateException("Redis is down");
            }
            return Optional.ofNullable(byDigest.get(digest));
        }

        @Override
        public List<ApiKeyRecord> list(@Nullable TenantId tenant) {
            return List.copyOf(byDigest.values());
        }

        @Override
        public boolean revoke(ApiKeyId id) {
            return byDigest.values().removeIf(key -> key.id().equals(id));
        }
    }

    /** Limits in a map; every request admitted unless {@code wait} is set. */
    private static final class FakeQuotas implements TenantQuotas {

        final Map<TenantId, TenantLimits> limits = new HashMap<>();
        Duration wait = Duration.ZERO;
        int admitted;

        @Override
        public Optional<TenantLimits> find(TenantId tenant) {
            return Optional.ofNullable(limits.get(tenant));
        }

        @Override
        public void put(TenantId tenant, TenantLimits tenantLimits) {
            limits.put(tenant, tenantLimits);
        }

        @Override
        public Admission admit(TenantId tenant, TenantLimits defaults) {
            admitted++;
            return new Admission(wait, limits.getOrDefault(tenant, defaults));
        }
    }
}
