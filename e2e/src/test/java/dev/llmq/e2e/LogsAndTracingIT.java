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
 * endpoint is set, one trace from {@code POST /query} through the worker's LLM call to the stored outcome.
 */
class LogsAndTracingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Exported quickly, so the test need not wait the default 5 s for a batch of spans. */
    private static final Map<String, String> QUICK_EXPORT = Map.of("OTEL_BSP_SCHEDULE_DELAY", "100");

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @Test
    void oneQueryIsOneTraceFromThePostThroughTheLlmCallToTheStoredOutcome() throws IOException {
        try (OtlpReceiver receiver = OtlpReceiver.start(0);
                Cluster cluster = new Cluster(server.redis())) {
            Map<String, String> otlp =
                    Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_BSP_SCHEDULE_DELAY", "100");
            cluster.startSimulator(Duration.ofMillis(20));
            Cluster.Api api = cluster.startApi(otlp);
            ServiceProcess worker = cluster.startWorker(otlp);

            long id = cluster.submit(api, "trace me");
            assertThat(cluster.result(api, id, "30s").statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                ExportedSpan process = only(receiver, "worker-service", SpanKind.SPAN_KIND_CONSUMER, id);
                ExportedSpan send = spanOf(receiver, process.parentSpanId()).orElseThrow();
                ExportedSpan post = spanOf(receiver, send.parentSpanId()).orElseThrow();
                ExportedSpan chat = childOf(receiver, process, SpanKind.SPAN_KIND_CLIENT, "chat gpt-4o-mini");
                ExportedSpan store = childOf(receiver, process, SpanKind.SPAN_KIND_CLIENT, "store outcome");

                assertThat(post.service()).isEqualTo("api-service");
                assertThat(post.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
                assertThat(post.name()).isEqualTo("http post /query");
                assertThat(post.parentSpanId()).as("a trace starts at the POST").isEmpty();
                assertThat(send.service()).isEqualTo("api-service");
                assertThat(send.kind()).isEqualTo(SpanKind.SPAN_KIND_PRODUCER);
                assertThat(send.name()).isEqualTo("send {llmq}:queries");
                assertThat(send.attributes()).containsEntry("llmq.query.id", Long.toString(id));
                assertThat(process.name()).isEqualTo("process {llmq}:queries");
                assertThat(process.attributes()).containsEntry("llmq.tenant", "local");
                assertThat(chat.attributes())
                        .containsEntry("gen_ai.request.model", "gpt-4o-mini")
                        .containsKey("gen_ai.usage.output_tokens");
                assertThat(store.attributes())
                        .containsEntry("llmq.outcome", "succeeded")
                        .containsEntry("llmq.outcome.stored", "true");
                assertThat(List.of(post, send, process, chat, store))
                        .extracting(ExportedSpan::traceId)
                        .containsOnly(post.traceId());
                assertThat(receiver.spans())
                        .as("no span quotes the prompt")
                        .noneMatch(span -> span.toString().contains("trace me"));
                assertThat(linesAbout(worker, id))
                        .as("the worker's log lines name the trace")
                        .isNotEmpty()
                        .allSatisfy(line ->
                                assertThat(line.path("traceId").asString()).isEqualTo(post.traceId()));
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

    private static ExportedSpan only(OtlpReceiver receiver, String service, SpanKind kind, long id) {
        List<ExportedSpan> found = receiver.spans().stream()
                .filter(span -> span.service().equals(service)
                        && span.kind() == kind
                        && Long.toString(id).equals(span.attributes().get("llmq.query.id")))
                .toList();
        assertThat(found)
                .as("%s spans of query %d among %s", kind, id, receiver.spans())
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
