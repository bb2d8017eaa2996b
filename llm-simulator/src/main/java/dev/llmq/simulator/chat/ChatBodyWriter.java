package dev.llmq.simulator.chat;

import dev.llmq.simulator.connection.ClientConnection;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a non-streamed {@code chat.completion} after the whole latency; a stall or a cut strikes in the middle of
 * the body (sent chunked then), whatever their token count.
 */
@Component
class ChatBodyWriter {

    private final JsonMapper jsonMapper;
    private final Pacer pacer;

    ChatBodyWriter(JsonMapper jsonMapper, Pacer pacer) {
        this.jsonMapper = jsonMapper;
        this.pacer = pacer;
    }

    /** Writes {@code completion}; returns whether the body was sent whole. */
    boolean write(Completion completion, Pace pace, ClientConnection connection, HttpServletResponse response)
            throws IOException {
        pacer.pause(pace.latencyFor(completion.tokens().size()), connection);
        byte[] body = jsonMapper.writeValueAsBytes(ChatCompletionResponse.of(completion));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        ServletOutputStream out = response.getOutputStream();
        if (!pace.interrupted()) {
            response.setContentLength(body.length);
            out.write(body);
            out.flush();
            return true;
        }
        int half = body.length / 2;
        out.write(body, 0, half);
        out.flush();
        if (pace.cutAfterTokens() != null) {
            connection.abort();
            return false;
        }
        Pace.Stall stall = pace.stall();
        if (stall != null) {
            pacer.pause(stall.duration(), connection);
        }
        out.write(body, half, body.length - half);
        out.flush();
        return true;
    }

    /** Writes a 200 whose body is not valid JSON, after the whole latency: the {@code malformed-json} fault. */
    void writeMalformed(Completion completion, Pace pace, ClientConnection connection, HttpServletResponse response)
            throws IOException {
        pacer.pause(pace.latencyFor(completion.tokens().size()), connection);
        byte[] body = MalformedJson.of(jsonMapper.writeValueAsString(ChatCompletionResponse.of(completion)))
                .getBytes(StandardCharsets.UTF_8);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.getOutputStream().flush();
    }
}
