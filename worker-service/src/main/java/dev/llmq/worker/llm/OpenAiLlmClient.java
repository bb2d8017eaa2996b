package dev.llmq.worker.llm;

import com.openai.client.OpenAIClient;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatText;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.llmq.shared.query.ChatMessage;
import dev.llmq.shared.query.GenerationOptions;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Usage;

/**
 * Calls an OpenAI-compatible chat completions endpoint through openai-java. The SDK's own retries are off (the queue
 * owns retries) and {@code store} is never sent, so OpenAI keeps no copy of users' prompts.
 */
public final class OpenAiLlmClient implements LlmClient {

    private final OpenAIClient client;
    private final String model;

    public OpenAiLlmClient(OpenAIClient client, String model) {
        this.client = client;
        this.model = model;
    }

    @Override
    public LlmAnswer complete(Query query) {
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params(query.request()));
        } catch (RuntimeException ex) {
            throw LlmFailures.classify(ex);
        }
        String text = completion.choices().stream()
                .findFirst()
                .flatMap(choice -> choice.message().content())
                .orElseThrow(() -> new LlmCallException(
                        new QueryError(LlmFailures.EMPTY_ANSWER, "the LLM provider returned no answer text"),
                        false,
                        null));
        Usage usage = completion.usage().map(OpenAiLlmClient::usage).orElse(Usage.NONE);
        return new LlmAnswer(text, completion.model(), usage);
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

    private static Usage usage(CompletionUsage usage) {
        return new Usage(usage.promptTokens(), usage.completionTokens());
    }

    @Override
    public String model() {
        return model;
    }
}
