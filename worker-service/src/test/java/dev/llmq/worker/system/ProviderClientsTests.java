package dev.llmq.worker.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.worker.llm.OpenAiLlmClient;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A provider's connections outlive their calls: a worker reuses them instead of connecting again per call. */
class ProviderClientsTests {

    private static final int IN_FLIGHT = 12;

    private final MockWebServer provider = new MockWebServer();

    @BeforeEach
    void start() throws IOException {
        CyclicBarrier allCallsArrived = new CyclicBarrier(IN_FLIGHT);
        provider.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                try {
                    allCallsArrived.await(10, TimeUnit.SECONDS);
                } catch (BrokenBarrierException | TimeoutException ex) {
                    return new MockResponse().setResponseCode(500);
                }
                return streamedAnswer();
            }
        });
        provider.start();
    }

    @AfterEach
    void stop() throws IOException {
        provider.shutdown();
    }

    @Test
    void everyConnectionOfAFullWorkerIsKeptForTheNextCalls() throws Exception {
        try (WorkerWiring.ProviderClients clients = new WorkerWiring.ProviderClients(IN_FLIGHT)) {
            OpenAiLlmClient llm = new OpenAiLlmClient(
                    clients.connect(provider.url("/v1").toString(), "", properties()),
                    "gpt-4o-mini",
                    Duration.ofSeconds(10));

            callsAtOnce(llm);
            callsAtOnce(llm);
        }

        List<RecordedRequest> requests = new ArrayList<>();
        for (int i = 0; i < 2 * IN_FLIGHT; i++) {
            requests.add(provider.takeRequest(1, TimeUnit.SECONDS));
        }
        // the second round's calls, as many at once as the first's, each found an open connection (okhttp's
        // default pool kept 5 of the first round's 12 and opened 7 new ones)
        assertThat(requests.subList(IN_FLIGHT, 2 * IN_FLIGHT))
                .allSatisfy(request -> assertThat(request.getSequenceNumber())
                        .as("calls made on the request's connection before it")
                        .isPositive());
    }

    /** {@link #IN_FLIGHT} calls at once, held by the provider until all of them have arrived. */
    private static void callsAtOnce(OpenAiLlmClient llm) throws Exception {
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                Query query = new Query(new QueryId(i + 1), "hi", Instant.now());
                answers.add(calls.submit(() -> llm.complete(query, piece -> {}).text()));
            }
            for (Future<String> answer : answers) {
                assertThat(answer.get(20, TimeUnit.SECONDS)).isEqualTo("Hello");
            }
        }
    }

    private static LlmProperties properties() {
        return new LlmProperties(
                "",
                "http://127.0.0.1/v1",
                "gpt-4o-mini",
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                "default",
                0,
                0,
                Duration.ofMinutes(1),
                0,
                "");
    }

    private static MockResponse streamedAnswer() {
        String head =
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini\",";
        String body = "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},"
                + "\"finish_reason\":null}]}\n\n"
                + "data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n";
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "text/event-stream")
                .setBody(body);
    }
}
