package dev.llmq.simulator.chat;

import dev.llmq.simulator.SimulatorProperties;
import dev.llmq.simulator.model.ModelCatalog;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's {@code POST /v1/chat/completions}: validates the request, then replies with the simulated answer after
 * the configured latency, as one JSON object or as a stream of server-sent events. Any {@code Authorization} header
 * is accepted.
 */
@RestController
class ChatCompletionsController {

    private static final Logger log = LoggerFactory.getLogger(ChatCompletionsController.class);

    private final ChatRequestReader reader;
    private final ModelCatalog models;
    private final SimulatorProperties properties;
    private final Pacer pacer;
    private final ChatStreamWriter streamWriter;

    ChatCompletionsController(
            ChatRequestReader reader,
            ModelCatalog models,
            SimulatorProperties properties,
            Pacer pacer,
            ChatStreamWriter streamWriter) {
        this.reader = reader;
        this.models = models;
        this.properties = properties;
        this.pacer = pacer;
        this.streamWriter = streamWriter;
    }

    /** Replies with a {@code chat.completion}, or for {@code "stream": true} streams the chunks itself. */
    @PostMapping("/v1/chat/completions")
    @Nullable
    ResponseEntity<ChatCompletionResponse> create(
            @RequestBody(required = false) byte @Nullable [] body, HttpServletResponse response) {
        ChatRequest request = reader.read(body);
        models.requireKnown(request.model());
        Completion completion =
                Completion.simulate(request, newId(), Instant.now().getEpochSecond());
        if (request.stream()) {
            stream(completion, request.includeUsage(), response);
            return null; // the response is complete
        }
        pacer.pause(properties.latencyFor(completion.tokens().size()));
        // a preset content type skips Accept negotiation: OpenAI answers JSON whatever the client accepts
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(ChatCompletionResponse.of(completion));
    }

    /**
     * Writes the event stream on this request's own thread (a virtual one), which keeps the stream under the
     * simulator's control: no async dispatch, no async timeout.
     */
    private void stream(Completion completion, boolean includeUsage, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        try {
            streamWriter.write(completion, includeUsage, response.getOutputStream());
        } catch (IOException | CancellationException ex) {
            log.debug("Stream {} ended early: {}", completion.id(), ex.toString());
        }
    }

    private static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }
}
