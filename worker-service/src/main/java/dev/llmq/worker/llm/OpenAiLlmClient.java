package dev.llmq.worker.llm;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryError;
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
            completion = client.chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model(model)
                            .addUserMessage(query.prompt())
                            .build());
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

    private static Usage usage(CompletionUsage usage) {
        return new Usage(usage.promptTokens(), usage.completionTokens());
    }

    @Override
    public String model() {
        return model;
    }
}
