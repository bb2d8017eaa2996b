package dev.llmq.worker.llm;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * Calls an OpenAI-compatible chat completions endpoint through openai-java, streaming the answer (with usage) so that
 * the time to the first token is known and bounded. The SDK's own retries are off (the queue owns retries) and
 * {@code store} is never sent, so OpenAI keeps no copy of users' prompts.
 *
 * <p>The call runs on the caller's own virtual thread (a worker processes each query on one), which keeps its log
 * fields; the first-token deadline interrupts that thread if it passes ({@link FirstTokenDeadline}). Interrupting a
 * virtual thread blocked on a socket closes the socket, so the query's cancellation and shutdown abort the call the
 * same way. A caller on a platform thread, where an interrupt would not reach a blocked socket, has the call made on a
 * virtual thread for it.
 */
public final class OpenAiLlmClient implements LlmClient {

    private static final ThreadFactory CALLS =
            Thread.ofVirtual().name("llm-call-", 0).factory();

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
        if (!Thread.currentThread().isVirtual()) {
            return onVirtualThread(query, onText);
        }
        ChatCompletionCreateParams params = params(query.request()).toBuilder()
                .streamOptions(
                        ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        try (FirstTokenDeadline deadline = FirstTokenDeadline.start(firstTokenTimeout)) {
            StreamedAnswer answer = new StreamedAnswer(model, System.nanoTime(), deadline::arrived, onText);
            try {
                return stream(params, answer);
            } catch (RuntimeException ex) {
                if (deadline.expired()) {
                    throw new LlmCallException(
                            new QueryError(
                                    LlmFailures.TIMEOUT, "the LLM provider sent no token within " + firstTokenTimeout),
                            true,
                            ex);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(ex);
                }
                throw ex;
            }
        }
    }

    /** Makes the call on a virtual thread of its own, carrying the caller's log fields, and waits for it. */
    private LlmAnswer onVirtualThread(Query query, Consumer<String> onText) {
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        FutureTask<LlmAnswer> call = new FutureTask<>(() -> {
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            try {
                return complete(query, onText);
            } finally {
                MDC.clear();
            }
        });
        CALLS.newThread(call).start();
        try {
            return call.get();
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (ex.getCause() instanceof Error error) {
                throw error;
            }
            throw new CompletionException(ex.getCause());
        } catch (InterruptedException ex) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw interrupted(ex);
        }
    }

    private static LlmCallException interrupted(Exception ex) {
        return new LlmCallException(new QueryError(LlmFailures.TIMEOUT, "the LLM call was interrupted"), true, ex);
    }

    /**
     * How many of Jackson's buffer sets the SDK's JSON mapper keeps for reuse. A set is taken only while a request body
     * is written or an event parsed (microseconds, on the few carrier threads), not while a call waits for its
     * provider, so a few dozen serve thousands of calls in flight; past this, a returned set is left to the GC.
     */
    private static final int SHARED_JSON_BUFFERS = 64;

    /**
     * Makes the SDK's JSON mapper (one per JVM) reuse its buffers across calls, from one bounded pool. Jackson 2 keeps
     * them per thread by default, and each call runs on a virtual thread of its own: every call allocated a new set
     * (about 24 KB: byte and char buffers) and held it, softly reachable, for as long as its thread lived, 4,000 sets
     * for 4,000 calls waiting on a slow provider. Called once, before any call.
     */
    public static void shareJsonBuffers() {
        ObjectMappers.jsonMapper().getFactory().setRecyclerPool(JsonRecyclerPools.newBoundedPool(SHARED_JSON_BUFFERS));
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
            new StreamedAnswer(model, System.nanoTime(), () -> {}, piece -> {}).add(chunk);
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
