package dev.llmq.simulator.chat;

import dev.llmq.simulator.SimulatorProperties;
import dev.llmq.simulator.connection.ClientConnection;
import dev.llmq.simulator.connection.ClientDisconnectedException;
import dev.llmq.simulator.fault.Fault;
import dev.llmq.simulator.requestlog.LoggedRequest;
import dev.llmq.simulator.requestlog.RequestRecord;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Answers an admitted request, normally or with its fault, and keeps its request log entry up to date, including a
 * client that goes away before the end.
 */
@Component
class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private static final Duration HOLD_SLICE = Duration.ofMillis(50);

    private final SimulatorProperties properties;
    private final Pacer pacer;
    private final ChatStreamWriter streamWriter;
    private final ChatBodyWriter bodyWriter;

    Replies(SimulatorProperties properties, Pacer pacer, ChatStreamWriter streamWriter, ChatBodyWriter bodyWriter) {
        this.properties = properties;
        this.pacer = pacer;
        this.streamWriter = streamWriter;
        this.bodyWriter = bodyWriter;
    }

    /** Replies to {@code exchange} with {@code fault} ({@code null}: none); an error fault is thrown, to be rendered. */
    void send(Exchange exchange, @Nullable Fault fault) {
        Fault effective = fault != null ? fault : new Fault.None();
        boolean none = effective instanceof Fault.None;
        String outcome = none ? LoggedRequest.OK : LoggedRequest.fault(effective.name());
        String spec = none ? null : effective.spec();
        RequestRecord record = exchange.record();
        switch (effective) {
            case Fault.RateLimited rateLimited -> {
                record.answer(outcome, spec, 429);
                record.complete();
                throw ChatErrors.injectedRateLimit(exchange.request().model(), rateLimited, exchange.limits());
            }
            case Fault.ServerError serverError -> {
                record.answer(outcome, spec, serverError.status());
                record.complete();
                throw ChatErrors.serverError(serverError, exchange.limits());
            }
            case Fault.Reset reset -> {
                record.answer(outcome, spec, null);
                exchange.connection().abort();
                record.complete();
            }
            default -> {
                record.answer(outcome, spec, HttpServletResponse.SC_OK);
                deliver(exchange, effective);
            }
        }
    }

    /** Sends a 200, shaped by {@code fault}; a client that goes away is recorded and its connection dropped. */
    private void deliver(Exchange exchange, Fault fault) {
        ClientConnection connection = exchange.connection();
        HttpServletResponse response = exchange.response();
        exchange.limits().headers().forEach(response::setHeader);
        Pace pace = Pace.of(properties);
        try {
            switch (fault) {
                case Fault.StallBeforeFirstByte stall -> {
                    pacer.pause(stall.duration(), connection);
                    reply(exchange, pace);
                }
                case Fault.Hold hold -> {
                    hold(exchange, hold.most());
                    reply(exchange, pace);
                }
                case Fault.StallMidStream stall ->
                    reply(exchange, pace.stallingAfter(stall.afterTokens(), stall.duration()));
                case Fault.CutStream cut -> reply(exchange, pace.cuttingAfter(cut.afterTokens()));
                case Fault.SlowStream slow -> reply(exchange, pace.withPerTokenDelay(slow.perToken()));
                case Fault.MalformedJson malformed -> replyMalformed(exchange, pace);
                default -> reply(exchange, pace);
            }
            exchange.record().complete();
        } catch (IOException ex) {
            log.debug("Client went away from {}: {}", exchange.completion().id(), ex.toString());
            exchange.record().clientDisconnected();
            connection.abort(); // Tomcat must not try to finish the response
        } catch (CancellationException ex) {
            log.debug("Reply {} cancelled: {}", exchange.completion().id(), ex.toString());
            exchange.record().complete();
        }
    }

    /** Waits until the fault rules are removed or {@code most} has passed, looking every {@link #HOLD_SLICE}. */
    private void hold(Exchange exchange, Duration most) throws ClientDisconnectedException {
        long deadline = System.nanoTime() + most.toNanos();
        for (long left = most.toNanos();
                left > 0 && !exchange.released().isDone();
                left = deadline - System.nanoTime()) {
            pacer.pause(Duration.ofNanos(Math.min(left, HOLD_SLICE.toNanos())), exchange.connection());
        }
    }

    private void reply(Exchange exchange, Pace pace) throws IOException {
        Completion completion = exchange.completion();
        if (exchange.request().stream()) {
            streamWriter.write(
                    completion,
                    exchange.request().includeUsage(),
                    pace,
                    exchange.connection(),
                    startStream(exchange.response()),
                    exchange.record()::tokenSent);
        } else if (bodyWriter.write(completion, pace, exchange.connection(), exchange.response())) {
            exchange.record().tokensSent(completion.tokens().size());
        }
    }

    private void replyMalformed(Exchange exchange, Pace pace) throws IOException {
        if (exchange.request().stream()) {
            streamWriter.writeMalformed(
                    exchange.completion(), pace, exchange.connection(), startStream(exchange.response()));
        } else {
            bodyWriter.writeMalformed(exchange.completion(), pace, exchange.connection(), exchange.response());
        }
    }

    /**
     * Starts the event stream on this request's own thread (a virtual one), which keeps the stream under the
     * simulator's control: no async dispatch, no async timeout.
     */
    private static OutputStream startStream(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        return response.getOutputStream();
    }
}
