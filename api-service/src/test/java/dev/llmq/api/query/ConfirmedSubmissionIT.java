package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisSentinelExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code LLMQ_REDIS_CONFIRM_REPLICAS=1} on a Sentinel-watched primary: a query is accepted once the replica has it, and
 * one no replica confirmed in time is answered 503, saying it may or may not take effect. The same holds for a batch's
 * input file, and a created batch is on the replica with its lines; a cancel is answered once the replica has it.
 */
// closed after the class: a cached context would keep asking the stopped Sentinels for the primary
@DirtiesContext
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-service", "llmq.redis.confirm-replicas=1"})
class ConfirmedSubmissionIT {

    @RegisterExtension
    static RedisSentinelExtension sentinel = new RedisSentinelExtension();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> "");
        registry.add(
                "llmq.redis.sentinel-nodes",
                () -> sentinel.redis().serviceEnvironment().get("LLMQ_REDIS_SENTINEL_NODES"));
        registry.add(
                "llmq.redis.sentinel-master",
                () -> sentinel.redis().serviceEnvironment().get("LLMQ_REDIS_SENTINEL_MASTER"));
    }

    @Test
    void anAcceptedQueryIsOnTheReplicaAndAnUnconfirmedOneIs503() throws Exception {
        ApiTestSupport api = new ApiTestSupport(port);

        HttpResponse<String> accepted = api.postQuery("confirmed by the replica");
        assertThat(accepted.statusCode()).isEqualTo(200);
        long id = ApiTestSupport.idOf(accepted);
        assertThat(sentinel.redis().callOnReplica("EXISTS", RedisKeys.statusKey(new QueryId(id))))
                .isEqualTo(1L);
        assertThat(sentinel.redis().callOnReplica("GET", RedisKeys.QUERY_ID_COUNTER))
                .isEqualTo(Long.toString(id));

        // the replica answers nothing, replication acknowledgements included, for longer than the command timeout
        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> sentinel.redis().callOnReplica("DEBUG", "SLEEP", "2.5"));
        Thread.sleep(200);
        HttpResponse<String> unconfirmed = api.postQuery("on the primary alone");
        asleep.join();

        assertThat(unconfirmed.statusCode()).isEqualTo(503);
        assertThat(unconfirmed.headers().firstValue("Retry-After")).contains("1");
        assertThat(unconfirmed.body())
                .contains("no replica confirmed it in time")
                .contains("Idempotency-Key");
    }

    @Test
    void anAnsweredCancelIsOnTheReplicaAndAnUnconfirmedOneIs503ThenFoundCancelledByARetry() throws Exception {
        ApiTestSupport api = new ApiTestSupport(port);
        long kept = ApiTestSupport.idOf(api.postQuery("cancelled on both"));
        long held = ApiTestSupport.idOf(api.postQuery("cancelled on the primary alone"));

        HttpResponse<String> cancelled = api.send(delete(api, kept));
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat((String) sentinel.redis().callOnReplica("GET", RedisKeys.resultKey(new QueryId(kept))))
                .contains("\"status\":\"cancelled\"");

        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> sentinel.redis().callOnReplica("DEBUG", "SLEEP", "2.5"));
        Thread.sleep(200);
        HttpResponse<String> unconfirmed = api.send(delete(api, held));
        asleep.join();

        assertThat(unconfirmed.statusCode()).isEqualTo(503);
        assertThat(unconfirmed.body()).contains("no replica confirmed it in time");
        HttpResponse<String> retried = api.send(delete(api, held));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(409);
        assertThat(retried.body()).contains("\"outcome\":\"cancelled\"");
    }

    @Test
    void aBatchIsOnTheReplicaWithItsFileAndLinesAndAnUnconfirmedUploadIs503() throws Exception {
        ApiTestSupport api = new ApiTestSupport(port);

        HttpResponse<String> uploaded = upload(
                api,
                "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":"
                        + "\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"batch line on the replica\"}]}}\n");
        assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
        String fileId = field(uploaded.body(), "id");
        assertThat(sentinel.redis().callOnReplica("EXISTS", RedisKeys.fileContentKey(TenantId.LOCAL, fileId)))
                .isEqualTo(1L);

        HttpResponse<String> created = api.post(
                "/v1/batches",
                "application/json",
                "{\"input_file_id\":\"" + fileId
                        + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String batchId = field(created.body(), "id");
        assertThat(sentinel.redis().callOnReplica("HGET", RedisKeys.batchKey(TenantId.LOCAL, batchId), "total"))
                .isEqualTo("1");
        assertThat(sentinel.redis()
                        .callOnReplica("XRANGE", RedisKeys.queryStream(Priority.LOW), "-", "+")
                        .toString())
                .contains("batch line on the replica");

        CompletableFuture<Object> asleep =
                CompletableFuture.supplyAsync(() -> sentinel.redis().callOnReplica("DEBUG", "SLEEP", "2.5"));
        Thread.sleep(200);
        HttpResponse<String> unconfirmed = upload(api, "{}\n");
        asleep.join();

        assertThat(unconfirmed.statusCode()).isEqualTo(503);
        assertThat(unconfirmed.body()).contains("no replica confirmed it in time");
    }

    private static HttpResponse<String> upload(ApiTestSupport api, String jsonl) {
        String boundary = "confirmed-upload";
        return api.post(
                "/v1/files",
                "multipart/form-data; boundary=" + boundary,
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
                        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                        + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--" + boundary + "--\r\n");
    }

    private static HttpRequest delete(ApiTestSupport api, long id) {
        return HttpRequest.newBuilder(URI.create(api.url("/query?id=" + id)))
                .DELETE()
                .build();
    }

    private static String field(String json, String name) {
        Matcher matcher =
                Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return matcher.group(1);
    }
}
