package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.e2e.OtlpReceiver.ExportedSpan;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What platform teams see of a query: JSON log lines naming it and its tenant in both services, and, when an OTLP
 * endpoint is set, one trace from {@code POST /query} (continuing the client's own trace) through the worker's LLM
 * call to the stored outcome.
 */
class LogsAndTracingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";

    /** Exported quickly, so the test need not wait the default 5 s for a batch of spans. */
    private static final Map<String, String> QUICK_EXPORT = Map.of("OTEL_BSP_SCHEDULE_DELAY", "100");

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @Test
    void oneQueryIsOneTraceFromThePostThroughEveryAttemptToTheStoredOutcome() throws IOException {
        try (OtlpReceiver receiver = OtlpReceiver.start(0);
                Cluster cluster = new Cluster(server.redis())) {
            Map<String, String> otlp =
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "100");
            cluster.startSimulator(Duration.ofMillis(20));
            Cluster.Api api = cluster.startApi(otlp);
            ServiceProcess worker = cluster.startWorker(otlp, "--llmq.worker.retry-initial-delay=100ms");
            // the first call fails, so the query is retried: the retry must stay in the trace
            cluster.controlSimulator("POST", "/simulator/faults", "{\"fault\":\"503\",\"count\":1}");

            // the client is traced too: its traceparent header makes the POST part of its trace
            HttpResponse<String> posted = cluster.send(HttpRequest.newBuilder(URI.create(api.url() + "/query"))
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"trace me\"}"))
                    .build());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            long id = Cluster.idOf(posted.body());
            assertThat(cluster.result(api, id, "30s").body()).contains("\"attempts\":2");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                ExportedSpan first = attempt(receiver, id, 1);
                ExportedSpan second = attempt(receiver, id, 2);
                ExportedSpan send = spanOf(receiver, first.parentSpanId()).orElseThrow();
                ExportedSpan post = spanOf(receiver, send.parentSpanId()).orElseThrow();
                ExportedSpan failedChat = childOf(receiver, first, SpanKind.SPAN_KIND_CLIENT, "chat gpt-4o-mini");
                ExportedSpan chat = childOf(receiver, second, SpanKind.SPAN_KIND_CLIENT, "chat gpt-4o-mini");
                ExportedSpan store = childOf(receiver, second, SpanKind.SPAN_KIND_CLIENT, "store outcome");

                assertThat(post.service()).isEqualTo("api-service");
                assertThat(post.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
                assertThat(post.name()).isEqualTo("http post /query");
                assertThat(post.traceId()).isEqualTo(CLIENT_TRACE);
                assertThat(post.parentSpanId()).isEqualTo(CLIENT_SPAN);
                assertThat(send.service()).isEqualTo("api-service");
                assertThat(send.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
                assertThat(send.name()).isEqualTo("send {llmq}:queries");
                assertThat(send.attributes()).containsEntry("llmq.query.id", Long.toString(id));
                assertThat(second.parentSpanId())
                        .as("the retry continues the trace from the same send")
                        .isEqualTo(send.spanId());
                assertThat(List.of(first, second)).allSatisfy(process -> {
                    assertThat(process.name()).isEqualTo("process {llmq}:queries");
                    assertThat(process.attributes()).containsEntry("llmq.tenant", "local");
                });
                assertThat(failedChat.attributes()).containsEntry("error.type", "llm_server_error");
                assertThat(chat.attributes())
                        .containsEntry("gen_ai.request.model", "gpt-4o-mini")
                        .containsKey("gen_ai.usage.output_tokens")
                        .doesNotContainKey("error.type");
                assertThat(store.attributes())
                        .containsEntry("llmq.outcome", "succeeded")
                        .containsEntry("llmq.outcome.stored", "true");
                assertThat(List.of(post, send, first, failedChat, second, chat, store))
                        .extracting(ExportedSpan::traceId)
                        .containsOnly(CLIENT_TRACE);
                assertThat(receiver.spans())
                        .as("no span quotes the prompt")
                        .noneMatch(span -> span.toString().contains("trace me"));
                assertThat(linesAbout(worker, id))
                        .as("the worker's log lines name the trace")
                        .isNotEmpty()
                        .allSatisfy(line ->
                                assertThat(line.path("traceId").asString()).isEqualTo(CLIENT_TRACE));
            });
        }
    }

    @Test
    void byDefaultLogLinesAreJsonNamingTheQueryWithoutItsTextAndNoSpanLeaves() throws IOException {
        OtlpReceiver defaultCollector;
        try {
            // where OTLP exporters send when nobody says otherwise
            defaultCollector = OtlpReceiver.start(4318);
        } catch (BindException ex) {
            // a collector listening there would hide exports this test must see; CI machines must leave it free
            if (Tools.inCi()) {
                throw new IllegalStateException("port 4318 (OTLP's default) must be free for this test in CI", ex);
            }
            assumeThat(false)
                    .as("port 4318 (OTLP's default) is taken on this machine")
                    .isTrue();
            return;
        }
        try (defaultCollector;
                Cluster cluster = new Cluster(server.redis())) {
            cluster.startSimulator(Duration.ofMillis(20));
            Cluster.Api api = cluster.startApi(QUICK_EXPORT);
            ServiceProcess worker = cluster.startWorker(QUICK_EXPORT);
            String prompt = "a prompt that must never be logged";

            long id = cluster.submit(api, prompt);
            String result = cluster.result(api, id, "30s").body();

            assertThat(result).contains("\"status\":\"succeeded\"");
            for (ServiceProcess service : List.of(api.process(), worker)) {
                assertThat(service.output()).doesNotContain(prompt).doesNotContain("Simulated answer");
                assertThat(service.output().lines())
                        .as("every line is JSON but the JVM's own warnings")
                        .allMatch(line -> line.startsWith("{") || line.startsWith("WARNING: "));
                assertThat(linesAbout(service, id)).isNotEmpty().allSatisfy(line -> {
                    assertThat(line.path("tenant").asString()).isEqualTo("local");
                    assertThat(line.path("traceId").asString()).matches("[0-9a-f]{32}");
                    assertThat(line.path("spanId").asString()).matches("[0-9a-f]{16}");
                    assertThat(line.path("log").path("level").asString()).isIn("INFO", "WARN", "ERROR");
                });
                assertThat(service.output()).doesNotContainIgnoringCase("otlp").doesNotContain("xport");
            }
            assertThat(linesAbout(api.process(), id))
                    .extracting(line -> line.path("message").asString())
                    .contains("query=" + id + " accepted (priority normal)");
            assertThat(linesAbout(worker, id))
                    .extracting(line -> line.path("service").path("name").asString())
                    .containsOnly("worker-service");
            await().during(Duration.ofSeconds(1))
                    .atMost(Duration.ofSeconds(3))
                    .untilAsserted(() -> assertThat(defaultCollector.requests()).isEmpty());
        }
    }

    /** The span with this id, once exported. */
    private static Optional<ExportedSpan> spanOf(OtlpReceiver receiver, String spanId) {
        return receiver.spans().stream()
                .filter(span -> span.spanId().equals(spanId))
                .findFirst();
    }

    /** The worker's consumer span of the query's attempt {@code attempt}. */
    private static ExportedSpan attempt(OtlpReceiver receiver, long id, int attempt) {
        List<ExportedSpan> found = receiver.spans().stream()
                .filter(span -> span.service().equals("worker-service")
                        && span.kind() == SpanKind.SPAN_KIND_CONSUMER
                        && Long.toString(id).equals(span.attributes().get("llmq.query.id"))
                        && Integer.toString(attempt).equals(span.attributes().get("llmq.attempt")))
                .toList();
        assertThat(found)
                .as("attempt %d of query %d among %s", attempt, id, receiver.spans())
                .hasSize(1);
        return found.getFirst();
    }

    private static ExportedSpan childOf(OtlpReceiver receiver, ExportedSpan parent, SpanKind kind, String name) {
        List<ExportedSpan> found = receiver.spans().stream()
                .filter(span -> span.parentSpanId().equals(parent.spanId())
                        && span.kind() == kind
                        && span.name().equals(name))
                .toList();
        assertThat(found)
                .as("'%s' under %s among %s", name, parent, receiver.spans())
                .hasSize(1);
        assertThat(found.getFirst().service()).isEqualTo(parent.service());
        return found.getFirst();
    }

    /** The service's JSON log lines whose query_id field is {@code id}. */
    private static List<JsonNode> linesAbout(ServiceProcess service, long id) {
        return service.output()
                .lines()
                .filter(line -> line.startsWith("{"))
                .map(JSON::readTree)
                .filter(line -> line.path("query_id").asString().equals(Long.toString(id)))
                .toList();
    }
}
