package dev.llmq.worker.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The LLM provider: {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL} (any OpenAI-compatible server), and
 * {@code LLMQ_LLM_MODEL} / {@code LLMQ_LLM_TIMEOUT}. {@link #toString()} never shows the key.
 */
@ConfigurationProperties("llmq.llm")
public record LlmProperties(
        @DefaultValue("") String apiKey,
        @DefaultValue("https://api.openai.com/v1") String baseUrl,
        @DefaultValue("gpt-4o-mini") String model,
        @DefaultValue("120s") Duration timeout) {

    static final String OPENAI_BASE_URL = "https://api.openai.com/v1";

    public LlmProperties {
        if (apiKey.isBlank() && baseUrl.startsWith(OPENAI_BASE_URL)) {
            throw new IllegalArgumentException("set OPENAI_API_KEY to call OpenAI, or OPENAI_BASE_URL to use another"
                    + " OpenAI-compatible server (vLLM, Ollama, the llm-simulator, ...)");
        }
        if (model.isBlank()) {
            throw new IllegalArgumentException("LLMQ_LLM_MODEL must not be blank");
        }
    }

    @Override
    public String toString() {
        return "LlmProperties[baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + (apiKey.isBlank() ? "none" : "***") + ", timeout=" + timeout + "]";
    }
}
