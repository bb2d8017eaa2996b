package dev.llmq.worker.llm;

import dev.llmq.shared.query.Query;
import java.util.List;
import java.util.Map;

/** Chooses a provider by the query's model: the provider serving that model, else the default provider. */
public final class LlmRouter {

    private final LlmRoute defaultRoute;
    private final Map<String, LlmRoute> byModel;

    /** {@code byModel} maps each model name of the additional providers to its route. */
    public LlmRouter(LlmRoute defaultRoute, Map<String, LlmRoute> byModel) {
        this.defaultRoute = defaultRoute;
        this.byModel = Map.copyOf(byModel);
    }

    public LlmRoute route(Query query) {
        String model = query.request().model();
        return model == null ? defaultRoute : byModel.getOrDefault(model, defaultRoute);
    }

    /** Every provider, the default first. */
    public List<LlmRoute> routes() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(defaultRoute), byModel.values().stream())
                .distinct()
                .toList();
    }
}
