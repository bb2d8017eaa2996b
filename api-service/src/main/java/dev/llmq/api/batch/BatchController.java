package dev.llmq.api.batch;

import dev.llmq.api.access.Caller;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI's batches endpoints: create, retrieve, cancel, list; every batch belongs to the caller's tenant. */
@RestController
class BatchController {

    private final Batches batches;

    BatchController(Batches batches) {
        this.batches = batches;
    }

    @PostMapping(
            path = "/v1/batches",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode create(@RequestBody CreateBatchRequest request, Caller caller) {
        return batches.create(caller.tenant(), request).toJson();
    }

    @GetMapping(path = "/v1/batches/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode retrieve(@PathVariable String id, Caller caller) {
        return batches.find(caller.tenant(), id).toJson();
    }

    @PostMapping(path = "/v1/batches/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode cancel(@PathVariable String id, Caller caller) {
        return batches.cancel(caller.tenant(), id).toJson();
    }

    /** The caller's batches, newest first, {@code limit} (1-100, default 20) at a time after {@code after}. */
    @GetMapping(path = "/v1/batches", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "after", required = false) @Nullable String after,
            Caller caller) {
        return batches.list(caller.tenant(), Listing.limit(limit, 100), after);
    }
}
