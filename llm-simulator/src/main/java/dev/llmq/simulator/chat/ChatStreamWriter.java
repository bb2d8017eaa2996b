package dev.llmq.simulator.chat;

import dev.llmq.simulator.SimulatorProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a completion as OpenAI's server-sent events: after the time to first token one chunk per token, paced by
 * the per-token delay, then the finish chunk, the usage chunk if asked for, and {@code data: [DONE]}; each event is
 * flushed at once.
 */
@Component
class ChatStreamWriter {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper jsonMapper;
    private final SimulatorProperties properties;
    private final Pacer pacer;

    ChatStreamWriter(JsonMapper jsonMapper, SimulatorProperties properties, Pacer pacer) {
        this.jsonMapper = jsonMapper;
        this.properties = properties;
        this.pacer = pacer;
    }

    void write(Completion completion, boolean includeUsage, OutputStream out) throws IOException {
        out.flush(); // sends the status and headers before the wait for the first token, as OpenAI does
        pacer.pause(properties.timeToFirstToken());
        List<String> tokens = completion.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0) {
                pacer.pause(properties.perTokenDelay());
            }
            send(ChatCompletionChunk.token(completion, tokens.get(i), i == 0), out);
        }
        send(ChatCompletionChunk.finish(completion), out);
        if (includeUsage) {
            send(ChatCompletionChunk.usage(completion), out);
        }
        out.write(DONE);
        out.flush();
    }

    private void send(ChatCompletionChunk chunk, OutputStream out) throws IOException {
        String event = "data: " + jsonMapper.writeValueAsString(chunk) + "\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
