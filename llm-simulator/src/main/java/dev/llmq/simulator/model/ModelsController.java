package dev.llmq.simulator.model;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Lists and retrieves the served models like OpenAI's {@code /v1/models}. */
@RestController
class ModelsController {

    private final ModelCatalog catalog;

    ModelsController(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/models")
    ModelList list() {
        return ModelList.of(catalog.ids());
    }

    @GetMapping("/v1/models/{id}")
    ModelObject retrieve(@PathVariable String id) {
        return ModelObject.of(catalog.requireKnown(id));
    }
}
