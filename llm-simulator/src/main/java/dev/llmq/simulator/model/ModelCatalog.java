package dev.llmq.simulator.model;

import dev.llmq.simulator.SimulatorProperties;
import dev.llmq.simulator.error.OpenAiApiException;
import java.util.List;
import org.springframework.stereotype.Component;

/** The models this simulator serves, from {@code llmq.simulator.models}. */
@Component
public class ModelCatalog {

    private final List<String> ids;

    ModelCatalog(SimulatorProperties properties) {
        this.ids = properties.models();
    }

    /** The served model ids, in configured order. */
    public List<String> ids() {
        return ids;
    }

    /** Returns {@code id} when it is served, else throws a 404 {@code model_not_found}. */
    public String requireKnown(String id) {
        if (!ids.contains(id)) {
            throw OpenAiApiException.modelNotFound(id);
        }
        return id;
    }
}
