package dev.llmq.worker.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.ChatMessage;
import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisCli;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.worker.llm.LlmFailures;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A worker against a real Redis and an OpenAI-compatible HTTP server that answers per prompt. */
@SpringBootTest(
        properties = {
            "spring.config.name=worker-service",
            "server.port=0",
            "llmq.worker.reclaim-after=1s",
            "llmq.worker.reap-interval=200ms",
            "llmq.worker.max-deliveries=5",
            "llmq.worker.max-attempts=3",
            "llmq.worker.retry-initial-delay=100ms",
            "llmq.worker.retry-max-delay=200ms",
            "llmq.llm.first-token-timeout=2s"
        })
class QueryProcessingIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A status record as far as the worker cares: that it exists (the api writes the query's state in it). */
    private static final String QUEUED = "{\"status\":\"queued\"}";

    private static final Map<String, List<Instant>> CALLS = new ConcurrentHashMap<>();
    private static final MockWebServer llm = startLlm();
    private static final MockWebServer localLlm = startLocalLlm();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
        registry.add("llmq.llm.base-url", () -> llm.url("/v1").toString());
        registry.add("llmq.llm.api-key", () -> "sk-test");
        registry.add("llmq.providers.local.base-url", () -> localLlm.url("/v1").toString());
        registry.add("llmq.providers.local.models", () -> "llama3,qwen3");
    }

    @AfterAll
    static void stopLlm() throws IOException {
        llm.shutdown();
        localLlm.shutdown();
    }

    @Test
    void aQueuedQueryIsAnsweredThroughTheChatCompletionsApi() throws Exception {
        int callsBefore = llm.getRequestCount();
        QueryId id = enqueue("What is a stream?");

        String json = awaitOutcome(id);

        assertThat(ProtocolJson.decodeOutcome(json).result())
                .isInstanceOfSatisfying(Outcome.Answered.class, answered -> {
                    assertThat(answered.text()).isEqualTo("Answer to: What is a stream?");
                    assertThat(answered.model()).isEqualTo("gpt-4o-mini");
                    assertThat(answered.usage()).isEqualTo(new Usage(5, 7));
                    assertThat(answered.timing().queued()).isGreaterThanOrEqualTo(Duration.ZERO);
                    assertThat(answered.timing().model()).isPositive();
                    assertThat(answered.timing().firstToken()).isNotNull();
                });
        assertThat(llm.getRequestCount()).isEqualTo(callsBefore + 1);
        // other tests' retries pass through the same stream: wait for it to drain
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(pendingCount()).isZero();
            assertThat(server.redis().call("XLEN", RedisKeys.QUERY_STREAM)).isEqualTo(0L);
        });
    }

    @Test
    void theRequestNamesTheModelAndNeverAsksOpenAiToStoreIt() throws Exception {
        enqueue("inspect me");
        RecordedRequest request = takeRequestFor("inspect me");

        JsonNode body = JSON.readTree(request.getBody().clone().readUtf8());
        assertThat(request.getPath()).isEqualTo("/v1/chat/completions");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(body.get("model").stringValue()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("messages").get(0).get("content").stringValue()).isEqualTo("inspect me");
        assertThat(body.has("store")).isFalse();
        assertThat(body.get("stream").booleanValue()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").booleanValue())
                .isTrue();
    }

    @Test
    void theConversationModelAndOptionsReachTheProvider() throws Exception {
        long id = (Long) server.redis().call("INCR", RedisKeys.QUERY_ID_COUNTER);
        QueryRequest request = new QueryRequest(
                List.of(
                        new ChatMessage(ChatMessage.Role.SYSTEM, "Be brief."),
                        new ChatMessage(ChatMessage.Role.USER, "options please")),
                "gpt-4o",
                new GenerationOptions(12, 0.5, 0.8, List.of("END"), 7L, GenerationOptions.ResponseFormat.JSON_OBJECT));
        add(new Query(new QueryId(id), request, Instant.now()));

        JsonNode body =
                JSON.readTree(takeRequestFor("options please").getBody().clone().readUtf8());

        assertThat(body.get("model").stringValue()).isEqualTo("gpt-4o");
        assertThat(body.get("messages").get(0).get("role").stringValue()).isEqualTo("system");
        assertThat(body.get("messages").get(1).get("content").stringValue()).isEqualTo("options please");
        assertThat(body.get("max_tokens").intValue()).isEqualTo(12);
        assertThat(body.get("temperature").doubleValue()).isEqualTo(0.5);
        assertThat(body.get("top_p").doubleValue()).isEqualTo(0.8);
        assertThat(body.get("stop").get(0).stringValue()).isEqualTo("END");
        assertThat(body.get("seed").longValue()).isEqualTo(7L);
        assertThat(body.get("response_format").get("type").stringValue()).isEqualTo("json_object");
    }

    @Test
    void aQueryNamingAnotherProvidersModelIsSentToThatProvider() {
        long id = (Long) server.redis().call("INCR", RedisKeys.QUERY_ID_COUNTER);
        QueryRequest request = new QueryRequest(
                List.of(new ChatMessage(ChatMessage.Role.USER, "route me")), "qwen3", GenerationOptions.DEFAULTS);
        int defaultCalls = llm.getRequestCount();
        add(new Query(new QueryId(id), request, Instant.now()));

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(new QueryId(id)));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Answered.class, answered -> {
            assertThat(answered.text()).isEqualTo("Local answer");
            assertThat(answered.model()).isEqualTo("qwen3");
        });
        assertThat(localLlm.getRequestCount()).isEqualTo(1);
        assertThat(llm.getRequestCount()).isEqualTo(defaultCalls);
    }

    @Test
    void aProviderErrorEndsAsAFailedOutcomeWithItsCodeNeverAsText() {
        QueryId id = enqueue("unauthorized please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.error().code()).isEqualTo(LlmFailures.UNAUTHORIZED);
            assertThat(failed.error().message()).contains("401", "Incorrect API key");
        });
    }

    @Test
    void aServerErrorEndsAsAFailedOutcomeMarkedAsServerError() {
        QueryId id = enqueue("explode please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result())
                .isInstanceOfSatisfying(
                        Outcome.Failed.class,
                        failed -> assertThat(failed.error().code()).isEqualTo(LlmFailures.SERVER_ERROR));
    }

    @Test
    void aRetryableFailureIsRetriedFromRedisAndThenAnswered() {
        QueryId id = enqueue("flaky once please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Answered.class, answered -> {
            assertThat(answered.text()).isEqualTo("Answer to: flaky once please");
            assertThat(outcome.attempts()).isEqualTo(2);
        });
        assertThat(CALLS.get("flaky once please")).hasSize(2);
        assertThat(server.redis().call("ZCARD", RedisKeys.RETRY_SET)).isEqualTo(0L);
    }

    @Test
    void aRateLimitedCallWaitsForRetryAfterBeforeTheNextCall() {
        QueryId id = enqueue("throttled once please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOf(Outcome.Answered.class);
        List<Instant> calls = CALLS.get("throttled once please");
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0), calls.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void retryableFailuresEndAsFailedOnceTheAttemptsAreUsedUp() {
        QueryId id = enqueue("explode forever please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.error().code()).isEqualTo(LlmFailures.SERVER_ERROR);
            assertThat(failed.error().message()).contains("gave up after 3 attempts");
            assertThat(outcome.attempts()).isEqualTo(3);
            assertThat(failed.timing().queued()).isPositive();
        });
        assertThat(CALLS.get("explode forever please")).hasSize(3);
    }

    @Test
    void aStreamCutBeforeTheAnswerFinishedIsRetriedAndNeverStoredAsAnAnswer() {
        QueryId id = enqueue("cut stream please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.error().code()).isEqualTo(LlmFailures.STREAM_CUT);
            assertThat(outcome.attempts()).isEqualTo(3);
        });
        assertThat(CALLS.get("cut stream please")).hasSize(3);
    }

    @Test
    void aProviderThatSendsNoTokenInTimeIsCutOffAndRetried() {
        QueryId id = enqueue("stall please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.error().code()).isEqualTo(LlmFailures.TIMEOUT);
            assertThat(failed.error().message()).contains("no token within");
            assertThat(outcome.attempts()).isEqualTo(3);
        });
    }

    @Test
    void aRetryThatWouldFallPastTheDeadlineEndsTheQueryInstead() {
        long id = (Long) server.redis().call("INCR", RedisKeys.QUERY_ID_COUNTER);
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        add(new Query(new QueryId(id), "explode late please", twoHoursAgo));

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(new QueryId(id)));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.error().code()).isEqualTo(QueryError.DEADLINE_EXCEEDED);
            assertThat(failed.error().message()).contains("llm_server_error");
            assertThat(outcome.attempts()).isEqualTo(1);
        });
    }

    @Test
    void aFinalFailureIsNotRetried() {
        QueryId id = enqueue("unauthorized again please");

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.attempts()).isEqualTo(1);
        assertThat(CALLS.get("unauthorized again please")).hasSize(1);
    }

    @Test
    void aRedeliveredQueryWhoseOutcomeExistsIsAcknowledgedWithoutCallingTheLlm() {
        QueryId id = new QueryId(900_001);
        Outcome existing = Outcomes.answered(id, "earlier answer");
        server.redis().call("SET", RedisKeys.resultKey(id), ProtocolJson.encode(existing));
        int callsBefore = llm.getRequestCount();

        addEntryAlone(new Query(id, "already answered", Instant.now()));

        awaitAcknowledged();
        assertThat(llm.getRequestCount()).isEqualTo(callsBefore);
        assertThat(server.redis().call("GET", RedisKeys.resultKey(id))).isEqualTo(ProtocolJson.encode(existing));
    }

    @Test
    void aQueryRedisDoesNotKnowIsAcknowledgedWithoutCallingTheLlmAndItsIdIsNotIssuedAgain() {
        // an entry without a status record or an outcome: its submission was lost in a failover, or it waited past
        // its status TTL; an outcome for it would not be stored, so a call would be spent for nothing
        QueryId id = new QueryId(900_004);
        int callsBefore = llm.getRequestCount();

        addEntryAlone(new Query(id, "lost with the old primary", Instant.now()));

        awaitAcknowledged();
        assertThat(llm.getRequestCount()).isEqualTo(callsBefore);
        assertThat(server.redis().call("EXISTS", RedisKeys.resultKey(id))).isEqualTo(0L);
        assertThat(Long.parseLong((String) server.redis().call("GET", RedisKeys.QUERY_ID_COUNTER)))
                .isGreaterThanOrEqualTo(id.value());
    }

    @Test
    void aQueryDeliveredTooOftenEndsAsAFailedDeadLetter() {
        QueryId id = new QueryId(900_002);
        String entryId = addAsReadByAGhostConsumer(new Query(id, "cursed", Instant.now()));
        for (int i = 0; i < 5; i++) {
            server.redis().call("XCLAIM", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP, "ghost", "0", entryId);
        }
        int callsBefore = llm.getRequestCount();

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
            assertThat(failed.error().code()).isEqualTo(QueryError.DELIVERY_ATTEMPTS_EXCEEDED);
            assertThat(failed.error().message()).contains("delivered 7 times");
        });
        assertThat(llm.getRequestCount()).isEqualTo(callsBefore);
    }

    @Test
    void anEntryOfADeadConsumerIsReclaimedAndAnswered() {
        QueryId id = new QueryId(900_003);
        addAsReadByAGhostConsumer(new Query(id, "orphaned", Instant.now()));

        Outcome outcome = ProtocolJson.decodeOutcome(awaitOutcome(id));

        assertThat(outcome.result())
                .isInstanceOfSatisfying(
                        Outcome.Answered.class,
                        answered -> assertThat(answered.text()).isEqualTo("Answer to: orphaned"));
    }

    /** Adds an entry and reads it as consumer "ghost" atomically, so the live worker never reads it first. */
    private static String addAsReadByAGhostConsumer(Query query) {
        try (RedisCli cli = server.redis().cli()) {
            cli.call("MULTI");
            cli.call("SET", RedisKeys.statusKey(query.id()), QUEUED, "PX", "3600000");
            cli.call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, ProtocolJson.encode(query));
            cli.call(
                    "XREADGROUP",
                    "GROUP",
                    RedisKeys.WORKER_GROUP,
                    "ghost",
                    "COUNT",
                    "1000",
                    "STREAMS",
                    RedisKeys.QUERY_STREAM,
                    ">");
            List<?> results = (List<?>) cli.call("EXEC");
            return (String) results.get(1);
        }
    }

    /**
     * Submits {@code query} as an api-service does: its status record, then its entry (the worker stores outcomes only
     * for queries Redis knows, by their status record).
     */
    private static void add(Query query) {
        server.redis().call("SET", RedisKeys.statusKey(query.id()), QUEUED, "PX", "3600000");
        server.redis().call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, ProtocolJson.encode(query));
    }

    /** Adds only the stream entry of {@code query}: no status record. */
    private static void addEntryAlone(Query query) {
        server.redis().call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, ProtocolJson.encode(query));
    }

    /** Until the worker has acknowledged and deleted every entry. */
    private static void awaitAcknowledged() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> (Long) server.redis().call("XLEN", RedisKeys.QUERY_STREAM) == 0L);
        assertThat(pendingCount()).isZero();
    }

    private static QueryId enqueue(String prompt) {
        long id = (Long) server.redis().call("INCR", RedisKeys.QUERY_ID_COUNTER);
        QueryId queryId = new QueryId(id);
        add(new Query(queryId, prompt, Instant.now()));
        return queryId;
    }

    private static String awaitOutcome(QueryId id) {
        return await().atMost(Duration.ofSeconds(15))
                .until(() -> (String) server.redis().call("GET", RedisKeys.resultKey(id)), json -> json != null);
    }

    private static long pendingCount() {
        return (Long)
                ((List<?>) server.redis().call("XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP)).getFirst();
    }

    private static RecordedRequest takeRequestFor(String prompt) throws InterruptedException {
        while (true) {
            RecordedRequest request = llm.takeRequest(15, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(request).as("a request for '%s'", prompt).isNotNull();
            if (request.getBody().clone().readUtf8().contains(prompt)) {
                return request;
            }
        }
    }

    private static MockWebServer startLlm() {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String prompt = JSON.readTree(request.getBody().clone().readUtf8())
                        .get("messages")
                        .get(0)
                        .get("content")
                        .stringValue();
                List<Instant> calls = CALLS.computeIfAbsent(prompt, key -> new CopyOnWriteArrayList<>());
                calls.add(Instant.now());
                if (prompt.contains("flaky once") && calls.size() == 1) {
                    return json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
                }
                if (prompt.contains("throttled once") && calls.size() == 1) {
                    return json(
                                    429,
                                    "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                                            + "\"code\":\"rate_limit_exceeded\"}}")
                            .setHeader("Retry-After", "1");
                }
                if (prompt.contains("unauthorized")) {
                    return json(
                            401,
                            "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
                }
                if (prompt.contains("explode")) {
                    return json(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
                }
                if (prompt.contains("stall")) {
                    return sse("gpt-4o-mini", List.of("too late"), true, 5, 2).setBodyDelay(4, TimeUnit.SECONDS);
                }
                if (prompt.contains("cut stream")) {
                    return sse("gpt-4o-mini", List.of("Half an ans"), false, 5, 3);
                }
                return sse("gpt-4o-mini", List.of("Answer to", ": ", prompt), true, 5, 7);
            }
        });
        try {
            server.start();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return server;
    }

    private static MockWebServer startLocalLlm() {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String model = JSON.readTree(request.getBody().clone().readUtf8())
                        .get("model")
                        .stringValue();
                return sse(model, List.of("Local", " answer"), true, 2, 2);
            }
        });
        try {
            server.start();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return server;
    }

    /** A streamed chat completion as OpenAI sends it: one chunk per delta, the finish, the usage, then [DONE]. */
    private static MockResponse sse(
            String model, List<String> deltas, boolean finish, int promptTokens, int completionTokens) {
        StringBuilder body = new StringBuilder();
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\""
                + model + "\",";
        for (String delta : deltas) {
            body.append("data: ")
                    .append(head)
                    .append("\"choices\":[{\"index\":0,\"delta\":{\"content\":")
                    .append(JSON.writeValueAsString(delta))
                    .append("},\"finish_reason\":null}]}\n\n");
        }
        if (finish) {
            body.append("data: ")
                    .append(head)
                    .append("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
            body.append("data: ")
                    .append(head)
                    .append("\"choices\":[],\"usage\":{\"prompt_tokens\":")
                    .append(promptTokens)
                    .append(",\"completion_tokens\":")
                    .append(completionTokens)
                    .append(",\"total_tokens\":")
                    .append(promptTokens + completionTokens)
                    .append("}}\n\n");
            body.append("data: [DONE]\n\n");
        }
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "text/event-stream")
                .setBody(body.toString());
    }

    private static MockResponse json(int status, String body) {
        return new MockResponse()
                .setResponseCode(status)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
    }
}
