package dev.llmq.api.batch;

import dev.llmq.api.access.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

    @Operation(summary = "Create a batch from an uploaded JSONL file of chat completion requests")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Batch")))
    @PostMapping(
            path = "/v1/batches",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode create(@RequestBody CreateBatchRequest request, Caller caller) {
        return batches.create(caller.tenant(), request).toJson();
    }

    @Operation(summary = "Retrieve a batch: its status and counts")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Batch")))
    @GetMapping(path = "/v1/batches/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode retrieve(@PathVariable String id, Caller caller) {
        return batches.find(caller.tenant(), id).toJson();
    }

    @Operation(summary = "Cancel a batch: its unfinished lines end cancelled")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "Batch")))
    @PostMapping(path = "/v1/batches/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode cancel(@PathVariable String id, Caller caller) {
        return batches.cancel(caller.tenant(), id).toJson();
    }

    /** The caller's batches, newest first, {@code limit} (1-100, default 20) at a time after {@code after}. */
    @Operation(summary = "List the caller's batches, newest first")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "BatchList")))
    @GetMapping(path = "/v1/batches", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "after", required = false) @Nullable String after,
            Caller caller) {
        return batches.list(caller.tenant(), Listing.limit(limit, 100), after);
    }
}
