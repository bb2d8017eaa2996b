package dev.llmq.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.llmq.shared.logging.QueryLogContext;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The LLM call runs on a thread of its own, which logs (and publishes answer pieces) for the query it serves. */
class OpenAiLlmClientTests {

    private final MockWebServer provider = new MockWebServer();
    private OpenAIClient sdk;

    @BeforeEach
    void start() throws IOException {
        provider.start();
        sdk = OpenAIOkHttpClient.builder()
                .apiKey("sk-test")
                .baseUrl(provider.url("/v1").toString())
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() throws IOException {
        sdk.close();
        provider.shutdown();
        MDC.clear();
    }

    @Test
    void theCallsThreadCarriesTheQuerysLogFieldsAndDropsThemAfterwards() {
        provider.enqueue(streamedAnswer("Hello", " world"));
        List<Map<String, String>> seenByTheCall = new CopyOnWriteArrayList<>();
        List<String> callThreads = new CopyOnWriteArrayList<>();
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofSeconds(5));
        Query query = new Query(new QueryId(42), "hi", Instant.now());

        LlmAnswer answer;
        try (var logContext = QueryLogContext.open(query.id(), new TenantId("acme"))) {
            answer = client.complete(query, piece -> {
                seenByTheCall.add(MDC.getCopyOfContextMap());
                callThreads.add(Thread.currentThread().getName());
            });
        }

        assertThat(answer.text()).isEqualTo("Hello world");
        assertThat(callThreads).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("llm-call-"));
        assertThat(seenByTheCall)
                .isNotEmpty()
                .allSatisfy(fields -> assertThat(fields)
                        .containsEntry(QueryLogContext.QUERY_ID, "42")
                        .containsEntry(QueryLogContext.TENANT, "acme"));
        assertThat(MDC.get(QueryLogContext.QUERY_ID)).isNull();
    }

    private static MockResponse streamedAnswer(String... pieces) {
        String head =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini\",";
        List<String> events = new ArrayList<>();
        for (String piece : pieces) {
            events.add(head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece
                    + "\"},\"finish_reason\":null}]}");
        }
        events.add(head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        events.add(head + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}");
        events.add("[DONE]");
        StringBuilder body = new StringBuilder();
        events.forEach(event -> body.append("data: ").append(event).append("\n\n"));
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "text/event-stream")
                .setBody(body.toString());
    }
}
