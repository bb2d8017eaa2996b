package dev.llmq.worker.system;

import dev.llmq.shared.redis.RedisProviderLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The LLM provider: {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL} (any OpenAI-compatible server), and
 * {@code LLMQ_LLM_*}. {@link #toString()} never shows the key.
 *
 * @param timeout the longest a whole call may take
 * @param connectTimeout the longest connecting to the provider may take
 * @param readTimeout the longest the provider may stay silent between bytes of its answer
 * @param firstTokenTimeout the longest the provider may take to send the answer's first token
 * @param provider the name the provider's shared limits are kept under in Redis
 * @param requestsPerWindow calls all workers together may make per {@code limitWindow}; 0 for no limit
 * @param tokensPerWindow tokens (prompt estimate plus expected answer) per {@code limitWindow}; 0 for no limit
 * @param limitWindow the sliding window of both limits
 * @param maxConcurrency calls all workers together may have in flight at once; 0 for no limit
 * @param modelLimits budgets of single models in the same window: {@code model:requests:tokens,...}
 */
@ConfigurationProperties("llmq.llm")
public record LlmProperties(
        @DefaultValue("") String apiKey,
        @DefaultValue("https://api.openai.com/v1") String baseUrl,
        @DefaultValue("gpt-4o-mini") String model,
        @DefaultValue("120s") Duration timeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("60s") Duration readTimeout,
        @DefaultValue("60s") Duration firstTokenTimeout,
        @DefaultValue("default") String provider,
        @DefaultValue("0") int requestsPerWindow,
        @DefaultValue("0") long tokensPerWindow,
        @DefaultValue("1m") Duration limitWindow,
        @DefaultValue("0") int maxConcurrency,
        @DefaultValue("") String modelLimits) {

    static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

    public LlmProperties {
        if (apiKey.isBlank() && baseUrl.startsWith(OPENAI_BASE_URL)) {
            throw new IllegalArgumentException("set OPENAI_API_KEY to call OpenAI, or OPENAI_BASE_URL to use another"
                    + " OpenAI-compatible server (vLLM, Ollama, the llm-simulator, ...)");
        }
        if (!timeout.isPositive()
                || !connectTimeout.isPositive()
                || !readTimeout.isPositive()
                || !firstTokenTimeout.isPositive()) {
            throw new IllegalArgumentException(
                    "LLMQ_LLM_TIMEOUT, LLMQ_LLM_CONNECT_TIMEOUT, LLMQ_LLM_READ_TIMEOUT and LLMQ_LLM_FIRST_TOKEN_TIMEOUT must be"
                            + " positive");
        }
        if (requestsPerWindow < 0 || tokensPerWindow < 0 || maxConcurrency < 0 || !limitWindow.isPositive()) {
            throw new IllegalArgumentException("LLMQ_LLM_REQUESTS_PER_WINDOW and LLMQ_LLM_TOKENS_PER_WINDOW must not be"
                    + " negative and LLMQ_LLM_LIMIT_WINDOW must be positive");
        }
        RedisProviderLimits.ModelLimit.parse(modelLimits);
        if (!provider.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException(
                    "LLMQ_LLM_PROVIDER must be 1-64 letters, digits, '.', '_' or '-': " + provider);
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("LLMQ_LLM_MODEL must not be blank");
        }
    }

    @Override
    public String toString() {
        return "LlmProperties[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + (apiKey.isBlank() ? "none" : "***") + ", timeout=" + timeout + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", firstTokenTimeout=" + firstTokenTimeout
                + ", provider=" + provider
                + ", requestsPerWindow=" + requestsPerWindow
                + ", tokensPerWindow=" + tokensPerWindow + ", limitWindow=" + limitWindow + "]";
    }
}
