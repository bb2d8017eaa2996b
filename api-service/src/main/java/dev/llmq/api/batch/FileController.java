package dev.llmq.api.batch;

import dev.llmq.api.access.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.node.ObjectNode;

/** OpenAI's files endpoints for batch input and output: upload, retrieve, content, delete, list. */
@RestController
class FileController {

    private static final int MAX_FILENAME = 255;

    private final StoredFiles files;
    private final BatchProperties properties;

    FileController(StoredFiles files, BatchProperties properties) {
        this.files = files;
        this.properties = properties;
    }

    /** Accepts a JSONL batch input file ({@code purpose=batch}); its lines are checked when a batch uses it. */
    @Operation(summary = "Upload a JSONL batch input file (purpose=batch)")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "File")))
    @PostMapping(
            path = "/v1/files",
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode upload(
            @RequestParam("file") MultipartFile file, @RequestParam("purpose") String purpose, Caller caller) {
        if (!"batch".equals(purpose)) {
            throw new InvalidBatchRequestException("'purpose' must be batch; llmq stores files for batches only");
        }
        if (file.getSize() > properties.maxFileSize().toBytes()) {
            throw new FileTooLargeException(properties.maxFileSize().toBytes());
        }
        byte[] content = bytes(file);
        long lines = BatchInput.lines(content).stream()
                .filter(line -> !line.isBlank())
                .count();
        if (lines > properties.maxFileLines()) {
            throw new InvalidBatchRequestException(
                    "the file has " + lines + " lines; a batch holds at most " + properties.maxFileLines());
        }
        return files.save(caller.tenant(), ObjectIds.newFileId(), filename(file), purpose, content);
    }

    @Operation(summary = "Retrieve a file's metadata")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "File")))
    @GetMapping(path = "/v1/files/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode retrieve(@PathVariable String id, Caller caller) {
        return files.find(caller.tenant(), id);
    }

    /** The raw bytes of the file: JSONL for batch input, output and error files. */
    @Operation(summary = "Download a file's content: JSONL for input, output and error files")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/jsonl", schema = @Schema(type = "string")))
    @GetMapping(path = "/v1/files/{id}/content")
    ResponseEntity<byte[]> content(@PathVariable String id, Caller caller) {
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/jsonl"))
                .body(files.content(caller.tenant(), id));
    }

    @Operation(summary = "Delete a file")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "DeletedFile")))
    @DeleteMapping(path = "/v1/files/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode delete(@PathVariable String id, Caller caller) {
        files.delete(caller.tenant(), id);
        ObjectNode deleted = BatchRecord.JSON.createObjectNode();
        deleted.put("id", id);
        deleted.put("object", "file");
        deleted.put("deleted", true);
        return deleted;
    }

    /** The caller's files, newest first. */
    @Operation(summary = "List the caller's files, newest first")
    @ApiResponse(
            responseCode = "200",
            description = "OK",
            content = @Content(mediaType = "application/json", schema = @Schema(ref = "FileList")))
    @GetMapping(path = "/v1/files", produces = MediaType.APPLICATION_JSON_VALUE)
    ObjectNode list(
            @RequestParam(name = "limit", required = false) @Nullable Integer limit,
            @RequestParam(name = "after", required = false) @Nullable String after,
            Caller caller) {
        return files.list(caller.tenant(), Listing.limit(limit, 10_000), after);
    }

    private static byte[] bytes(MultipartFile file) {
        try {
            return file.getBytes();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The client's file name without any path, control characters or excess length; a default if none. */
    private static String filename(MultipartFile file) {
        String name = file.getOriginalFilename();
        if (name == null || name.isBlank()) {
            return "input.jsonl";
        }
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .replaceAll("\\p{Cntrl}", "");
        return base.length() > MAX_FILENAME ? base.substring(0, MAX_FILENAME) : base;
    }
}
