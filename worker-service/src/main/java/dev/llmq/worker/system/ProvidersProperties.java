package dev.llmq.worker.system;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * More LLM providers besides the default one ({@code llmq.llm.*}), chosen by model name: for instance
 * {@code LLMQ_PROVIDERS_OLLAMA_BASE_URL=http://localhost:11434/v1} and {@code LLMQ_PROVIDERS_OLLAMA_MODELS=llama3}.
 */
@ConfigurationProperties("llmq")
public record ProvidersProperties(Map<String, Provider> providers) {

    public ProvidersProperties {
        providers = providers == null ? Map.of() : Map.copyOf(providers);
    }

    /**
     * One OpenAI-compatible provider: where it is, its key, the models it serves (the first is its default), and its
     * shared limits (0 for none) per sliding window.
     */
    public record Provider(
            String baseUrl,
            @DefaultValue("") String apiKey,
            List<String> models,
            @DefaultValue("0") int requestsPerWindow,
            @DefaultValue("0") long tokensPerWindow,
            @DefaultValue("1m") Duration limitWindow,
            @DefaultValue("0") int maxConcurrency,
            @DefaultValue("") String modelLimits) {

        public Provider {
            models = List.copyOf(models);
            if (baseUrl.isBlank() || models.isEmpty()) {
                throw new IllegalArgumentException(
                        "each LLMQ_PROVIDERS_<NAME> needs a BASE_URL and at least one MODELS entry");
            }
        }

        @Override
        public String toString() {
            return "Provider[baseUrl=" + baseUrl + ", models=" + models + ", apiKey="
                    + (apiKey.isBlank() ? "none" : "***") + "]";
        }
    }
}
