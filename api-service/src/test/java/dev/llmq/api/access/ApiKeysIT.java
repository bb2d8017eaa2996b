package dev.llmq.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API keys against a real Redis and two api-service replicas over real HTTP: a key's life from creation to
 * revocation, seen at once by both replicas, tenant isolation for queries, files and batches, and the per-tenant
 * limits.
 */
class ApiKeysIT {

    private static final String ADMIN_KEY = "it-admin-key-0123456789abcdef";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Replica first;
    private static Replica second;
    private static AccessClient one;
    private static AccessClient two;

    @BeforeAll
    static void startTwoReplicas() {
        first = Replica.start(server.redis().url(), "llmq.api.admin-key=" + ADMIN_KEY);
        second = Replica.start(server.redis().url(), "llmq.api.admin-key=" + ADMIN_KEY);
        one = first.client();
        two = second.client();
    }

    @AfterAll
    static void stopReplicas() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aKeyIsCreatedUsedListedWithoutSecretAndOnceRevokedRefusedAtOnceOnEveryReplica() {
        HttpResponse<String> created =
                one.post("/admin/keys", ADMIN_KEY, "{\"tenant\":\"acme\",\"name\":\"ci pipeline\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        String key = AccessClient.field(created.body(), "key");
        String keyId = AccessClient.field(created.body(), "key_id");
        assertThat(key).startsWith("llmq_");
        assertThat(created.body()).contains("\"tenant\":\"acme\"", "\"name\":\"ci pipeline\"", "\"created_at\"");

        assertThat(one.postQuery(key, "hello").statusCode()).isEqualTo(200);
        assertThat(two.postQuery(key, "hello").statusCode()).isEqualTo(200);

        HttpResponse<String> listed = two.get("/admin/keys?tenant=acme", ADMIN_KEY);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(keyId, "\"tenant\":\"acme\"").doesNotContain(key, "llmq_");

        assertThat(one.delete("/admin/keys/" + keyId, ADMIN_KEY).statusCode()).isEqualTo(204);

        for (AccessClient replica : List.of(one, two)) {
            HttpResponse<String> refused = replica.postQuery(key, "hello");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.body()).contains("not valid").doesNotContain(key);
        }
        assertThat(two.get("/admin/keys?tenant=acme", ADMIN_KEY).body()).doesNotContain(keyId);
        assertThat(two.delete("/admin/keys/" + keyId, ADMIN_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void withAnAdminKeySetEveryEndpointButHealthNeedsAKeyEvenFromLoopback() {
        for (String path : List.of("/result?id=1", "/result/stream?id=1", "/actuator/info", "/nope")) {
            HttpResponse<String> refused = one.get(path, null);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate"))
                    .as(path)
                    .isPresent();
        }
        assertThat(one.postQuery(null, "hi").statusCode()).isEqualTo(401);
        assertThat(one.delete("/query?id=1", null).statusCode()).isEqualTo(401);
        assertThat(one.get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(one.get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void adminEndpointsNeedTheAdminKeyNotATenantsKeyNorAWrongOne() {
        String tenantKey = one.createKey(ADMIN_KEY, "tenant-x");

        HttpResponse<String> missing = one.get("/admin/keys", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(one.get("/admin/keys", ADMIN_KEY + "x").statusCode()).isEqualTo(401);
        assertThat(one.get("/admin/keys", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> tenant = one.get("/admin/keys", tenantKey);
        assertThat(tenant.statusCode()).isEqualTo(403);
        assertThat(tenant.body()).contains("cannot use the admin endpoints");
        assertThat(one.put("/admin/tenants/tenant-x", tenantKey, "{\"requests_per_minute\":1,\"max_in_flight\":1}")
                        .statusCode())
                .isEqualTo(403);
        assertThat(one.get("/%61dmin/keys", tenantKey).statusCode()).isIn(400, 403, 404);
        assertThat(one.get("/ADMIN/keys", tenantKey).statusCode()).isIn(403, 404);
    }

    @Test
    void tenantBGets404ForEverythingOfTenantA() {
        String keyA = one.createKey(ADMIN_KEY, "tenant-a");
        String keyB = one.createKey(ADMIN_KEY, "tenant-b");
        long queued = AccessClient.idOf(one.postQuery(keyA, "a's secret"));
        long cancelled = AccessClient.idOf(one.postQuery(keyA, "a's other secret"));
        assertThat(one.delete("/query?id=" + cancelled, keyA).statusCode()).isEqualTo(200);

        for (long id : List.of(queued, cancelled)) {
            for (AccessClient replica : List.of(one, two)) {
                assertThat(replica.get("/result?id=" + id + "&wait=0s", keyB).statusCode())
                        .isEqualTo(404);
                assertThat(replica.get("/result/stream?id=" + id, keyB).statusCode())
                        .isEqualTo(404);
                assertThat(replica.delete("/query?id=" + id, keyB).statusCode()).isEqualTo(404);
            }
        }
        HttpResponse<String> unknown = two.get("/result?id=999999&wait=0s", keyB);
        assertThat(two.get("/result?id=" + queued + "&wait=0s", keyB).body())
                .isEqualTo(unknown.body().replace("999999", Long.toString(queued)));
        assertThat(one.get("/result?id=" + queued + "&wait=0s", keyA).statusCode())
                .isEqualTo(202);
        assertThat(one.get("/result?id=" + cancelled, keyA).body()).contains("\"status\":\"cancelled\"");
        assertThat(one.get("/result?id=" + queued + "&wait=0s", null).statusCode())
                .isEqualTo(401);
    }

    @Test
    void tenantBGets404ForTenantAsFilesAndBatchesAndListsOnlyItsOwn() {
        String keyA = one.createKey(ADMIN_KEY, "batch-a");
        String keyB = one.createKey(ADMIN_KEY, "batch-b");
        String line = "{\"custom_id\":\"r1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}}\n";
        HttpResponse<String> uploaded = one.uploadBatchFile(keyA, line);
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        String fileId = AccessClient.field(uploaded.body(), "id");
        HttpResponse<String> created = two.post(
                "/v1/batches",
                keyA,
                "{\"input_file_id\":\"" + fileId
                        + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String batchId = AccessClient.field(created.body(), "id");

        for (AccessClient replica : List.of(one, two)) {
            assertThat(replica.get("/v1/files/" + fileId, keyB).statusCode()).isEqualTo(404);
            assertThat(replica.get("/v1/files/" + fileId + "/content", keyB).statusCode())
                    .isEqualTo(404);
            assertThat(replica.get("/v1/batches/" + batchId, keyB).statusCode()).isEqualTo(404);
            assertThat(replica.post("/v1/batches/" + batchId + "/cancel", keyB, "")
                            .statusCode())
                    .isEqualTo(404);
            assertThat(replica.get("/v1/batches", keyB).body()).doesNotContain(batchId);
            assertThat(replica.get("/v1/files", keyB).body()).doesNotContain(fileId);
            HttpResponse<String> anonymous = replica.get("/v1/batches", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"error\":{\"message\":", "\"type\":\"authentication_error\"");
        }
        assertThat(one.delete("/v1/files/" + fileId, keyB).statusCode()).isEqualTo(404);
        assertThat(two.get("/v1/batches/" + batchId, keyA).statusCode()).isEqualTo(200);
        assertThat(two.get("/v1/batches", keyA).body()).contains(batchId);
        assertThat(one.get("/v1/files", keyA).body()).contains(fileId);
    }

    @Test
    void aTenantOverItsRequestRateGets429WithRetryAfterOnEveryReplica() {
        String key = one.createKey(ADMIN_KEY, "ratey");
        HttpResponse<String> set =
                one.put("/admin/tenants/ratey", ADMIN_KEY, "{\"requests_per_minute\":3,\"max_in_flight\":0}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(set.body()).contains("\"requests_per_minute\":3", "\"source\":\"tenant\"");

        assertThat(one.get("/result?id=1&wait=0s", key).statusCode()).isEqualTo(404);
        assertThat(two.get("/result?id=1&wait=0s", key).statusCode()).isEqualTo(404);
        assertThat(one.get("/result?id=1&wait=0s", key).statusCode()).isEqualTo(404);

        for (AccessClient replica : List.of(one, two)) {
            HttpResponse<String> limited = replica.get("/result?id=1&wait=0s", key);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After"))
                    .hasValueSatisfying(
                            seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
            assertThat(limited.body()).contains("3 requests per minute");
        }
        String other = one.createKey(ADMIN_KEY, "calm");
        assertThat(one.get("/result?id=1&wait=0s", other).statusCode()).isEqualTo(404);
    }

    @Test
    void aTenantAtItsInFlightCapGets429UntilAQueryEnds() {
        String key = one.createKey(ADMIN_KEY, "capped");
        assertThat(one.put("/admin/tenants/capped", ADMIN_KEY, "{\"requests_per_minute\":0,\"max_in_flight\":2}")
                        .statusCode())
                .isEqualTo(200);

        long firstId = AccessClient.idOf(one.postQuery(key, "1"));
        assertThat(two.postQuery(key, "2").statusCode()).isEqualTo(200);
        HttpResponse<String> third = one.postQuery(key, "3");
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();

        assertThat(two.delete("/query?id=" + firstId, key).statusCode()).isEqualTo(200);
        assertThat(one.postQuery(key, "3").statusCode()).isEqualTo(200);
    }

    @Test
    void tenantLimitsShowTheDefaultsUntilSet() {
        HttpResponse<String> limits = two.get("/admin/tenants/fresh", ADMIN_KEY);

        assertThat(limits.statusCode()).isEqualTo(200);
        assertThat(limits.body())
                .contains(
                        "\"tenant\":\"fresh\"",
                        "\"requests_per_minute\":600",
                        "\"max_in_flight\":100",
                        "\"source\":\"defaults\"");
    }
}
