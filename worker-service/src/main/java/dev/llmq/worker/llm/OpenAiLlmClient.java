package dev.llmq.worker.llm;

import com.openai.client.OpenAIClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatText;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.llmq.shared.query.ChatMessage;
import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * Calls an OpenAI-compatible chat completions endpoint through openai-java, streaming the answer (with usage) so that
 * the time to the first token is known and bounded. The SDK's own retries are off (the queue owns retries) and
 * {@code store} is never sent, so OpenAI keeps no copy of users' prompts.
 */
public final class OpenAiLlmClient implements LlmClient {

    /**
     * LLM calls run on their own virtual threads, so a stalled or cancelled one can be aborted: interrupting a virtual
     * thread blocked on a socket closes that socket (the provider sees the client disconnect), and the call's own
     * thread then unwinds the stream, since okhttp's sources must not be closed from another thread.
     */
    private static final ExecutorService CALLS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("llm-call-", 0).factory());

    private final OpenAIClient client;
    private final String model;
    private final Duration firstTokenTimeout;

    /** {@code firstTokenTimeout} bounds the wait for the first token; the SDK's timeouts bound the rest. */
    public OpenAiLlmClient(OpenAIClient client, String model, Duration firstTokenTimeout) {
        this.client = client;
        this.model = model;
        this.firstTokenTimeout = firstTokenTimeout;
    }

    @Override
    public LlmAnswer complete(Query query, Consumer<String> onText) {
        ChatCompletionCreateParams params = params(query.request()).toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StreamedAnswer answer = new StreamedAnswer(model, System.nanoTime(), onText);
        CompletableFuture<LlmAnswer> result = new CompletableFuture<>();
        // the call's thread logs (and publishes answer pieces) for the query: it carries the query's log fields too
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        Future<?> call = CALLS.submit(() -> {
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            try {
                result.complete(stream(params, answer));
            } catch (Throwable ex) {
                result.completeExceptionally(ex);
            } finally {
                MDC.clear();
            }
        });
        try {
            CompletableFuture.anyOf(answer.firstTokenArrived(), result)
                    .get(firstTokenTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return result.get();
        } catch (TimeoutException ex) {
            call.cancel(true);
            throw new LlmCallException(
                    new QueryError(LlmFailures.TIMEOUT, "the LLM provider sent no token within " + firstTokenTimeout),
                    true,
                    ex);
        } catch (ExecutionException ex) {
            throw ex.getCause() instanceof RuntimeException cause
                    ? LlmFailures.classify(cause)
                    : new CompletionException(ex);
        } catch (InterruptedException ex) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlmCallException(new QueryError(LlmFailures.TIMEOUT, "the LLM call was interrupted"), true, ex);
        }
    }

    /**
     * Loads and links the SDK's request and response code once, off the hot path: a worker's first real call is then
     * not seconds late, which would let the shared budget it took expire before the call reaches the provider.
     */
    public void warmUp() {
        try {
            ChatCompletionCreateParams params = params(QueryRequest.ofPrompt("warm-up")).toBuilder()
                    .streamOptions(ChatCompletionStreamOptions.builder()
                            .includeUsage(true)
                            .build())
                    .build();
            ObjectMappers.jsonMapper().writeValueAsString(params._body());
            ChatCompletionChunk chunk = ObjectMappers.jsonMapper().readValue(SAMPLE_CHUNK, ChatCompletionChunk.class);
            new StreamedAnswer(model, System.nanoTime(), piece -> {}).add(chunk);
        } catch (Exception ex) {
            // only a head start: the first call does the same work if this could not
        }
    }

    private static final String SAMPLE_CHUNK = "{\"id\":\"w\",\"object\":\"chat.completion.chunk\",\"created\":0,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    /** Runs the streaming call to its end; the SDK's read and request timeouts bound it. */
    private LlmAnswer stream(ChatCompletionCreateParams params, StreamedAnswer answer) {
        try (StreamResponse<ChatCompletionChunk> stream =
                client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(answer::add);
        } catch (RuntimeException ex) {
            throw answer.failure(ex);
        }
        return answer.complete();
    }

    /** The chat completion request for a query: its conversation, model (else the default) and options. */
    ChatCompletionCreateParams params(QueryRequest request) {
        ChatCompletionCreateParams.Builder params =
                ChatCompletionCreateParams.builder().model(request.model() == null ? model : request.model());
        for (ChatMessage message : request.messages()) {
            switch (message.role()) {
                case SYSTEM -> params.addSystemMessage(message.content());
                case USER -> params.addUserMessage(message.content());
                case ASSISTANT -> params.addAssistantMessage(message.content());
            }
        }
        GenerationOptions options = request.options();
        if (options.maxTokens() != null) {
            params.maxTokens(options.maxTokens());
        }
        if (options.temperature() != null) {
            params.temperature(options.temperature());
        }
        if (options.topP() != null) {
            params.topP(options.topP());
        }
        if (!options.stop().isEmpty()) {
            params.stop(ChatCompletionCreateParams.Stop.ofStrings(options.stop()));
        }
        if (options.seed() != null) {
            params.seed(options.seed());
        }
        if (options.responseFormat() != null) {
            switch (options.responseFormat()) {
                case TEXT -> params.responseFormat(ResponseFormatText.builder().build());
                case JSON_OBJECT ->
                    params.responseFormat(ResponseFormatJsonObject.builder().build());
            }
        }
        return params.build();
    }

    @Override
    public String model() {
        return model;
    }
}
