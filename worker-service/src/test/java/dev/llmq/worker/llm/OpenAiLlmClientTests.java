package dev.llmq.worker.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The LLM call runs on the caller's virtual thread (or, for a platform thread, on a virtual thread of its own that logs
 * and publishes answer pieces for the query it serves), and its first-token deadline and interrupts end it there.
 */
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

    @Test
    void aCallFromAVirtualThreadIsMadeOnThatThreadAlone() throws Exception {
        provider.enqueue(streamedAnswer("Hello", " world"));
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofSeconds(5));
        List<Thread> callThreads = new CopyOnWriteArrayList<>();

        Thread caller = Thread.ofVirtual().unstarted(() -> {
            LlmAnswer answer = client.complete(query(), piece -> callThreads.add(Thread.currentThread()));
            assertThat(answer.text()).isEqualTo("Hello world");
        });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        caller.setUncaughtExceptionHandler((thread, ex) -> failure.set(ex));
        caller.start();
        caller.join(Duration.ofSeconds(10));

        assertThat(failure.get()).isNull();
        assertThat(callThreads).isNotEmpty().containsOnly(caller);
    }

    @Test
    void aProviderSilentPastTheFirstTokenDeadlineIsCutOffAndTheThreadIsLeftUninterrupted() throws Exception {
        provider.enqueue(streamedAnswer("late").setHeadersDelay(3, TimeUnit.SECONDS));
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofMillis(300));

        Outcome outcome = onVirtualThread(() -> client.complete(query(), piece -> {}), null);

        assertThat(outcome.failure()).isInstanceOfSatisfying(LlmCallException.class, ex -> {
            assertThat(ex.error().code()).isEqualTo(LlmFailures.TIMEOUT);
            assertThat(ex.error().message()).contains("no token within");
            assertThat(ex.retryable()).isTrue();
        });
        assertThat(outcome.took()).isLessThan(Duration.ofMillis(2500));
        assertThat(outcome.interruptedAfter()).isFalse();
    }

    @Test
    void aFirstTokenInTimeLetsTheRestOfTheAnswerTakeLongerThanTheDeadline() throws Exception {
        // the first event comes at once, the rest (finish, usage, [DONE]) 1.5 s later: past the 1 s deadline
        String first = "x".repeat(700);
        MockResponse response = streamedAnswer(first);
        String body = response.getBody().readUtf8();
        int firstEventEnd = body.indexOf("\n\n") + 2;
        provider.enqueue(response.setBody(body).throttleBody(firstEventEnd, 1500, TimeUnit.MILLISECONDS));
        assertThat(body.length() - firstEventEnd).isLessThanOrEqualTo(firstEventEnd);
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofSeconds(1));

        Outcome outcome = onVirtualThread(() -> client.complete(query(), piece -> {}), null);

        assertThat(outcome.failure()).isNull();
        assertThat(outcome.answer().text()).isEqualTo(first);
        assertThat(outcome.took()).isGreaterThan(Duration.ofMillis(1400));
        assertThat(outcome.interruptedAfter()).isFalse();
    }

    @Test
    void anInterruptedCallerEndsItsCallAndKeepsItsInterrupt() throws Exception {
        provider.enqueue(streamedAnswer("never").setHeadersDelay(3, TimeUnit.SECONDS));
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofSeconds(30));

        Outcome outcome = onVirtualThread(() -> client.complete(query(), piece -> {}), Duration.ofMillis(300));

        assertThat(outcome.failure())
                .isInstanceOfSatisfying(
                        LlmCallException.class,
                        ex -> assertThat(ex.error().message()).contains("interrupted"));
        assertThat(outcome.took()).isLessThan(Duration.ofMillis(2500));
        assertThat(outcome.interruptedAfter()).isTrue();
    }

    @Test
    void anInterruptedPlatformCallerEndsTheCallMadeForIt() throws Exception {
        provider.enqueue(streamedAnswer("never").setHeadersDelay(3, TimeUnit.SECONDS));
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofSeconds(30));

        Outcome outcome =
                onThread(Thread.ofPlatform(), () -> client.complete(query(), piece -> {}), Duration.ofMillis(300));

        assertThat(outcome.failure()).isInstanceOf(LlmCallException.class).hasMessageContaining("interrupted");
        assertThat(outcome.took()).isLessThan(Duration.ofSeconds(5));
        assertThat(outcome.interruptedAfter()).isTrue();
    }

    @Test
    void metDeadlinesLeaveNothingBehindOnTheTimer() throws Exception {
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofHours(1));
        answerEachOnAThreadOfItsOwn(client, 20);

        assertThat(FirstTokenDeadline.waiting()).isZero();
    }

    @Test
    void callsOnThreadsOfTheirOwnReuseTheSdksJsonBuffersFromOneBoundedPool() throws Exception {
        OpenAiLlmClient.shareJsonBuffers();
        OpenAiLlmClient client = new OpenAiLlmClient(sdk, "gpt-4o-mini", Duration.ofSeconds(5));
        answerEachOnAThreadOfItsOwn(client, 30);

        // per-thread buffers (Jackson's default) are pooled nowhere: such a pool counts -1
        int pooled = ObjectMappers.jsonMapper().getFactory()._getRecyclerPool().pooledCount();
        assertThat(pooled).isBetween(1, 64);
    }

    /** Makes {@code calls} calls, each on a new virtual thread, each answered "Hello". */
    private void answerEachOnAThreadOfItsOwn(OpenAiLlmClient client, int calls) throws InterruptedException {
        for (int i = 0; i < calls; i++) {
            provider.enqueue(streamedAnswer("Hello"));
        }
        for (int i = 0; i < calls; i++) {
            assertThat(onVirtualThread(() -> client.complete(query(), piece -> {}), null)
                            .answer()
                            .text())
                    .isEqualTo("Hello");
        }
    }

    /** What a call made on a new thread came to, and whether that thread was interrupted after it. */
    private record Outcome(LlmAnswer answer, Throwable failure, Duration took, boolean interruptedAfter) {}

    private static Outcome onVirtualThread(Supplier<LlmAnswer> call, Duration interruptAfter)
            throws InterruptedException {
        return onThread(Thread.ofVirtual(), call, interruptAfter);
    }

    /** Makes {@code call} on a new thread of {@code threads}, interrupting it after {@code interruptAfter} if given. */
    private static Outcome onThread(Thread.Builder threads, Supplier<LlmAnswer> call, Duration interruptAfter)
            throws InterruptedException {
        AtomicReference<Outcome> outcome = new AtomicReference<>();
        Thread caller = threads.start(() -> {
            long started = System.nanoTime();
            LlmAnswer answer = null;
            Throwable failure = null;
            try {
                answer = call.get();
            } catch (RuntimeException ex) {
                failure = ex;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            outcome.set(
                    new Outcome(answer, failure, took, Thread.currentThread().isInterrupted()));
        });
        if (interruptAfter != null) {
            Thread.sleep(interruptAfter);
            caller.interrupt();
        }
        assertThat(caller.join(Duration.ofSeconds(20))).isTrue();
        return outcome.get();
    }

    private static Query query() {
        return new Query(new QueryId(7), "hi", Instant.now());
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
