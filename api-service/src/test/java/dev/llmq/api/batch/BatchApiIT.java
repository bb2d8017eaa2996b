package dev.llmq.api.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.query.Timing;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.redis.BatchStore;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisWorkQueue;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The Batch API over real HTTP against a real Redis; the test plays the worker through the shared work queue. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "llmq.api.admin-key=" + BatchClient.ADMIN_KEY,
            "llmq.api.tenant-requests-per-minute=0",
            "llmq.api.batch-sweep-interval=50ms"
        })
class BatchApiIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static RedissonClient workerClient;
    private static RedisWorkQueue worker;

    @LocalServerPort
    int port;

    @Autowired
    BatchStore store;

    private BatchClient alice;
    private BatchClient bob;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeEach
    void setUp() {
        alice = new BatchClient(port, "alice");
        bob = new BatchClient(port, "bob");
        if (worker == null) {
            workerClient = RedisClients.connect(server.redis().url(), Duration.ofSeconds(2), 4, "batch-test-worker");
            worker = new RedisWorkQueue(workerClient, "batch-test-worker", Duration.ofHours(1));
            worker.ensureGroup();
        }
    }

    @AfterAll
    static void closeWorker() {
        if (workerClient != null) {
            workerClient.shutdown();
        }
    }

    @Test
    void everyLineIsAnsweredIntoTheOutputFileOrTheErrorFileMatchedByCustomId() {
        String fileId = alice.uploadId(BatchClient.lines(5));

        HttpResponse<String> created = alice.createBatch(fileId);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode batch = BatchClient.json(created);
        String batchId = batch.get("id").asString();
        assertThat(batchId).matches("batch_[A-Za-z0-9]{24}");
        assertThat(batch.get("object").asString()).isEqualTo("batch");
        assertThat(batch.get("status").asString()).isEqualTo("in_progress");
        assertThat(batch.get("request_counts").get("total").asInt()).isEqualTo(5);
        assertThat(batch.get("metadata").get("job").asString()).isEqualTo("test");
        List<Delivery> deliveries = readDeliveries(5);
        assertThat(deliveries).allSatisfy(delivery -> {
            assertThat(delivery.query().priority()).isEqualTo(Priority.LOW);
            assertThat(delivery.query().tenant()).isEqualTo(new TenantId("alice"));
            assertThat(delivery.query().deadline())
                    .isEqualTo(Instant.ofEpochSecond(batch.get("expires_at").asLong()));
        });

        for (Delivery delivery : deliveries) {
            int n = BatchClient.numberOf(delivery.query().prompt());
            worker.finish(delivery, n == 3 ? failed(delivery) : answered(delivery, "answer " + n));
        }

        JsonNode done = awaitStatus(alice, batchId, "completed");
        assertThat(done.get("request_counts").get("completed").asInt()).isEqualTo(4);
        assertThat(done.get("request_counts").get("failed").asInt()).isEqualTo(1);
        assertThat(done.get("completed_at").asLong()).isPositive();
        assertThat(done.get("finalizing_at").asLong()).isPositive();
        Map<String, JsonNode> output =
                byCustomId(alice.get("/v1/files/" + done.get("output_file_id").asString() + "/content"));
        assertThat(output).containsOnlyKeys("req-0", "req-1", "req-2", "req-4");
        JsonNode line = output.get("req-2");
        assertThat(line.get("id").asString()).startsWith("batch_req_");
        assertThat(line.get("error").isNull()).isTrue();
        assertThat(line.get("response").get("status_code").asInt()).isEqualTo(200);
        JsonNode body = line.get("response").get("body");
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.get("choices").get(0).get("message").get("content").asString())
                .isEqualTo("answer 2");
        assertThat(body.get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
        assertThat(body.get("usage").get("total_tokens").asInt()).isEqualTo(7);
        Map<String, JsonNode> errors =
                byCustomId(alice.get("/v1/files/" + done.get("error_file_id").asString() + "/content"));
        assertThat(errors).containsOnlyKeys("req-3");
        assertThat(errors.get("req-3").get("response").isNull()).isTrue();
        assertThat(errors.get("req-3").get("error").get("code").asString()).isEqualTo("llm_error");
    }

    @Test
    void anInvalidFileFailsTheBatchNamingEachBadLineAndEnqueuesNothing() {
        String jsonl = BatchClient.lines(2)
                + "not json\n"
                + BatchClient.lines(1)
                + "{\"custom_id\":\"m\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-9\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n"
                + "{\"custom_id\":\"e\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}\n";
        String fileId = alice.uploadId(jsonl);

        JsonNode batch = BatchClient.json(alice.createBatch(fileId));

        assertThat(batch.get("status").asString()).isEqualTo("failed");
        assertThat(batch.get("failed_at").asLong()).isPositive();
        List<String> problems = new ArrayList<>();
        batch.get("errors")
                .get("data")
                .forEach(error -> problems.add(
                        error.get("line").asInt() + " " + error.get("code").asString()));
        assertThat(problems)
                .containsExactly("3 invalid_json_line", "4 duplicate_custom_id", "5 invalid_body", "6 invalid_url");
        assertThat(worker.read(10, Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void cancellingABatchCancelsItsUnfinishedLinesAndKeepsThePartialResults() {
        String batchId = BatchClient.json(alice.createBatch(alice.uploadId(BatchClient.lines(3))))
                .get("id")
                .asString();
        List<Delivery> deliveries = readDeliveries(3);
        Delivery first = deliveries.stream()
                .filter(delivery -> BatchClient.numberOf(delivery.query().prompt()) == 0)
                .findFirst()
                .orElseThrow();
        worker.finish(first, answered(first, "only one"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> alice.batch(batchId)
                                .get("request_counts")
                                .get("completed")
                                .asInt()
                        == 1);

        HttpResponse<String> cancelled = alice.post("/v1/batches/" + batchId + "/cancel", "application/json", "");

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(BatchClient.json(cancelled).get("status").asString()).isIn("cancelling", "cancelled");
        JsonNode done = awaitStatus(alice, batchId, "cancelled");
        assertThat(done.get("cancelling_at").asLong()).isPositive();
        assertThat(done.get("request_counts").get("completed").asInt()).isEqualTo(1);
        assertThat(done.get("request_counts").get("failed").asInt()).isEqualTo(2);
        assertThat(byCustomId(
                        alice.get("/v1/files/" + done.get("output_file_id").asString() + "/content")))
                .containsOnlyKeys("req-0");
        Map<String, JsonNode> errors =
                byCustomId(alice.get("/v1/files/" + done.get("error_file_id").asString() + "/content"));
        assertThat(errors).containsOnlyKeys("req-1", "req-2");
        assertThat(errors.get("req-1").get("error").get("code").asString()).isEqualTo("batch_cancelled");
        assertThat(alice.post("/v1/batches/" + batchId + "/cancel", "application/json", "")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anotherTenantCannotReadListCancelOrUseYourFilesAndBatches() {
        String fileId = alice.uploadId(BatchClient.lines(1));
        String batchId = BatchClient.json(alice.createBatch(fileId)).get("id").asString();

        assertThat(bob.get("/v1/files/" + fileId).statusCode()).isEqualTo(404);
        assertThat(bob.get("/v1/files/" + fileId + "/content").statusCode()).isEqualTo(404);
        assertThat(bob.delete("/v1/files/" + fileId).statusCode()).isEqualTo(404);
        assertThat(bob.createBatch(fileId).statusCode()).isEqualTo(404);
        assertThat(bob.get("/v1/batches/" + batchId).statusCode()).isEqualTo(404);
        assertThat(bob.post("/v1/batches/" + batchId + "/cancel", "application/json", "")
                        .statusCode())
                .isEqualTo(404);
        assertThat(bob.get("/v1/batches").body()).doesNotContain(batchId);
        assertThat(bob.get("/v1/files").body()).doesNotContain(fileId);
        assertThat(alice.get("/v1/batches").body()).contains(batchId);
        assertThat(alice.get("/v1/files").body()).contains(fileId);
        assertThat(alice.get("/v1/batches/" + batchId).statusCode()).isEqualTo(200);
        readDeliveries(1).forEach(delivery -> worker.finish(delivery, answered(delivery, "x")));
    }

    @Test
    void aSubmissionThatDiedHalfWayIsResumedByTheSweepWithoutLosingOrDuplicatingLines() {
        String fileId = alice.uploadId(BatchClient.lines(5));
        var ref = new BatchStore.BatchRef(new TenantId("alice"), "batch_resumedresumedresumed123");
        long now = System.currentTimeMillis();
        Map<String, String> fields = new HashMap<>(Map.of(
                "endpoint", "/v1/chat/completions",
                "input_file_id", fileId,
                "completion_window", "24h",
                "created_at", Long.toString(now / 1000),
                "expires_at", Long.toString(now / 1000 + 86_400),
                "status", "in_progress",
                "in_progress_at", Long.toString(now / 1000),
                "total", "5",
                "submitted_lines", "0"));
        var lines = new ArrayList<BatchStore.Line>();
        for (int i = 0; i < 5; i++) {
            lines.add(new BatchStore.Line("req-" + i, dev.llmq.shared.query.QueryRequest.ofPrompt("question " + i)));
        }
        var submission = new dev.llmq.shared.query.Submission(
                ref.tenant(), Priority.LOW, Instant.ofEpochSecond(now / 1000 + 86_400));
        // a replica recorded the batch, enqueued lines 0-2, but died before recording how far it got
        store.createBatch(ref.tenant(), ref.batchId(), now, fields, false, Duration.ofDays(2));
        var earlier = store.submitLines(ref, 0, lines.subList(0, 3), submission, Duration.ofDays(2));
        store.updateBatch(ref.tenant(), ref.batchId(), Map.of("submitted_lines", "1"));
        store.createBatch(ref.tenant(), ref.batchId(), now, Map.of(), true, Duration.ofDays(2));

        List<Delivery> deliveries = readDeliveries(5);

        assertThat(worker.read(10, Duration.ofMillis(200))).isEmpty();
        assertThat(deliveries.stream().map(delivery -> delivery.query().id()))
                .doesNotHaveDuplicates()
                .containsAll(earlier);
        deliveries.forEach(delivery -> worker.finish(delivery, answered(delivery, "ok")));
        JsonNode done = awaitStatus(alice, ref.batchId(), "completed");
        assertThat(done.get("request_counts").get("completed").asInt()).isEqualTo(5);
        assertThat(byCustomId(
                        alice.get("/v1/files/" + done.get("output_file_id").asString() + "/content")))
                .hasSize(5);
    }

    @Test
    void filesAreListedRetrievedAndDeletedInOpenAiShapes() {
        String fileId = alice.uploadId(BatchClient.lines(2));

        JsonNode file = BatchClient.json(alice.get("/v1/files/" + fileId));
        assertThat(file.get("object").asString()).isEqualTo("file");
        assertThat(file.get("purpose").asString()).isEqualTo("batch");
        assertThat(file.get("filename").asString()).isEqualTo("input.jsonl");
        assertThat(file.get("bytes").asLong()).isEqualTo(BatchClient.lines(2).length());
        assertThat(alice.get("/v1/files/" + fileId + "/content").body()).isEqualTo(BatchClient.lines(2));
        JsonNode list = BatchClient.json(alice.get("/v1/files?limit=1"));
        assertThat(list.get("object").asString()).isEqualTo("list");
        assertThat(list.get("data").get(0).get("id").asString()).isEqualTo(fileId);

        HttpResponse<String> deleted = alice.delete("/v1/files/" + fileId);

        assertThat(deleted.body()).contains("\"deleted\":true");
        assertThat(alice.get("/v1/files/" + fileId).statusCode()).isEqualTo(404);
    }

    @Test
    void aBatchWhoseLinesCannotBeEnqueuedYetIsAnsweredAsCreatedAndTheSweepEnqueuesThem() {
        String fileId = alice.uploadId(BatchClient.lines(2));
        // Redis refuses the lines' id reservation (INCRBY) but not the batch's record: a failure after the record
        server.redis().call("ACL", "SETUSER", "default", "-incrby");
        HttpResponse<String> created;
        try {
            created = alice.createBatch(fileId);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(BatchClient.json(created).get("status").asString()).isEqualTo("in_progress");
            assertThat(worker.read(10, Duration.ofMillis(200)))
                    .as("no line enqueued yet")
                    .isEmpty();
        } finally {
            server.redis().call("ACL", "SETUSER", "default", "+incrby");
        }
        String batchId = BatchClient.json(created).get("id").asString();

        List<Delivery> deliveries = readDeliveries(2);
        for (Delivery delivery : deliveries) {
            worker.finish(delivery, answered(delivery, "answered after all"));
        }

        JsonNode done = awaitStatus(alice, batchId, "completed");
        assertThat(done.get("request_counts").get("completed").asInt()).isEqualTo(2);
    }

    private static JsonNode awaitStatus(BatchClient client, String batchId, String status) {
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> client.batch(batchId).get("status").asString().equals(status));
        return client.batch(batchId);
    }

    private static List<Delivery> readDeliveries(int n) {
        List<Delivery> deliveries = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            deliveries.addAll(worker.read(n - deliveries.size(), Duration.ofMillis(100)));
            return deliveries.size() >= n;
        });
        return deliveries;
    }

    private static Map<String, JsonNode> byCustomId(HttpResponse<String> content) {
        assertThat(content.statusCode()).isEqualTo(200);
        Map<String, JsonNode> lines = new HashMap<>();
        content.body().lines().forEach(line -> {
            JsonNode node = BatchClient.JSON.readTree(line);
            assertThat(lines.put(node.get("custom_id").asString(), node)).isNull();
        });
        return lines;
    }

    private static Outcome answered(Delivery delivery, String text) {
        Instant now = Instant.now();
        return Outcome.of(
                delivery.query(),
                now,
                1,
                now,
                new Outcome.Answered(text, "gpt-4o-mini", new Usage(3, 4), Timing.UNKNOWN));
    }

    private static Outcome failed(Delivery delivery) {
        Instant now = Instant.now();
        return Outcome.of(
                delivery.query(),
                now,
                1,
                now,
                new Outcome.Failed(new QueryError("llm_error", "the provider refused"), Timing.UNKNOWN));
    }
}
