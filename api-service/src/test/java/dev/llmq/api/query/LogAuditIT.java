package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.llmq.shared.logging.QueryLogContext;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.Delivery;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Prompts, answers, idempotency keys and API keys never appear in the api-service's log, not even when Redis stops
 * answering; its lines name the query and tenant they are about as structured fields.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=api-service", "llmq.redis.command-timeout=300ms"})
@ExtendWith(OutputCaptureExtension.class)
class LogAuditIT {

    private static final String PROMPT = "prompt-that-must-not-be-logged";
    private static final String ANSWER = "answer-that-must-not-be-logged";
    private static final String IDEMPOTENCY_KEY = "idempotency-key-that-must-not-be-logged";
    private static final String API_KEY = "sk-api-key-that-must-not-be-logged";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @RegisterExtension
    static StandInWorker standIn = new StandInWorker(server);

    @RegisterExtension
    LogEvents events = new LogEvents();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @Test
    void queryTextAndKeysNeverReachTheLog(CapturedOutput output) {
        ApiTestSupport api = new ApiTestSupport(port);
        HttpResponse<String> posted = api.send(submit());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        long id = ApiTestSupport.idOf(posted);
        List<Delivery> deliveries = standIn.queue().read(1, Duration.ofSeconds(2));
        standIn.queue().finish(deliveries.getFirst(), Outcomes.answered(new QueryId(id), ANSWER));
        assertThat(api.get("/result?id=" + id).body()).contains(ANSWER);

        // a Redis that stops answering makes commands time out, and Redisson's timeout names the command's arguments
        server.redis().call("CLIENT", "PAUSE", "3000", "ALL");
        HttpResponse<String> refused = api.send(submit());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(api.get("/result?id=" + id).statusCode()).isEqualTo(200));

        assertThat(output.getAll())
                .contains("Redis is unavailable")
                .doesNotContain(PROMPT)
                .doesNotContain(ANSWER)
                .doesNotContain(IDEMPOTENCY_KEY)
                .doesNotContain(API_KEY);
        assertThat(events.about("query=" + id + " accepted"))
                .as("the request's line names the query, its tenant and its trace as structured fields")
                .singleElement()
                .satisfies(fields -> assertThat(fields)
                        .containsEntry(QueryLogContext.QUERY_ID, Long.toString(id))
                        .containsEntry(QueryLogContext.TENANT, "local")
                        .containsKeys("traceId", "spanId"));
        assertThat(events.about("Redis is unavailable"))
                .as("a failing request's line names its tenant")
                .isNotEmpty()
                .allSatisfy(fields -> assertThat(fields).containsEntry(QueryLogContext.TENANT, "local"));
    }

    /** The structured fields (MDC) of the log events written while a test runs, whatever the console format. */
    static final class LogEvents implements BeforeEachCallback, AfterEachCallback {

        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        @Override
        public void beforeEach(ExtensionContext context) {
            appender.start();
            root().addAppender(appender);
        }

        @Override
        public void afterEach(ExtensionContext context) {
            root().detachAppender(appender);
            appender.stop();
        }

        List<Map<String, String>> about(String text) {
            return appender.list.stream()
                    .filter(event -> event.getFormattedMessage().contains(text))
                    .map(ILoggingEvent::getMDCPropertyMap)
                    .toList();
        }

        private static Logger root() {
            return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        }
    }

    private HttpRequest submit() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + API_KEY)
                .header("Idempotency-Key", IDEMPOTENCY_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"" + PROMPT + "\"}"))
                .build();
    }
}
