package dev.llmq.simulator.chat;

import dev.llmq.simulator.connection.ClientConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a completion as OpenAI's server-sent events: after the time to first token one chunk per token, paced by
 * the per-token delay, then the finish chunk, the usage chunk if asked for, and {@code data: [DONE]}; each event is
 * flushed at once. A stall pauses the stream after its tokens; a cut drops the connection there.
 */
@Component
class ChatStreamWriter {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private final JsonMapper jsonMapper;
    private final Pacer pacer;

    ChatStreamWriter(JsonMapper jsonMapper, Pacer pacer) {
        this.jsonMapper = jsonMapper;
        this.pacer = pacer;
    }

    /** Streams {@code completion}, calling {@code onToken} after each token chunk is sent. */
    void write(
            Completion completion,
            boolean includeUsage,
            Pace pace,
            ClientConnection connection,
            OutputStream out,
            Runnable onToken)
            throws IOException {
        out.flush(); // sends the status and headers before the wait for the first token, as OpenAI does
        pacer.pause(pace.timeToFirstToken(), connection);
        List<String> tokens = completion.tokens();
        for (int i = 0; i < tokens.size(); i++) {
            if (interrupt(pace, i, tokens.size(), connection)) {
                return;
            }
            if (i > 0) {
                pacer.pause(pace.perTokenDelay(), connection);
            }
            send(ChatCompletionChunk.token(completion, tokens.get(i), i == 0), out);
            onToken.run();
        }
        if (interrupt(pace, tokens.size(), tokens.size(), connection)) {
            return;
        }
        send(ChatCompletionChunk.finish(completion), out);
        if (includeUsage) {
            send(ChatCompletionChunk.usage(completion), out);
        }
        out.write(DONE);
        out.flush();
    }

    /** Writes an event whose data is not valid JSON, then {@code [DONE]}: the {@code malformed-json} fault. */
    void writeMalformed(Completion completion, Pace pace, ClientConnection connection, OutputStream out)
            throws IOException {
        out.flush();
        pacer.pause(pace.timeToFirstToken(), connection);
        String firstToken =
                completion.tokens().isEmpty() ? "" : completion.tokens().getFirst();
        String chunk = jsonMapper.writeValueAsString(ChatCompletionChunk.token(completion, firstToken, true));
        String event = "data: " + MalformedJson.of(chunk) + "\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.write(DONE);
        out.flush();
    }

    /** Stalls or cuts the stream if due once {@code sent} tokens are out; returns whether the stream was cut. */
    private boolean interrupt(Pace pace, int sent, int total, ClientConnection connection) throws IOException {
        Pace.Stall stall = pace.stall();
        if (stall != null && Math.min(stall.afterTokens(), total) == sent) {
            pacer.pause(stall.duration(), connection);
        }
        Integer cutAfter = pace.cutAfterTokens();
        if (cutAfter != null && Math.min(cutAfter, total) == sent) {
            connection.abort();
            return true;
        }
        return false;
    }

    private void send(ChatCompletionChunk chunk, OutputStream out) throws IOException {
        String event = "data: " + jsonMapper.writeValueAsString(chunk) + "\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
