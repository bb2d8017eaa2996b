package dev.llmq.api.query;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's {@code GET /result/stream}: sends each part of the answer exactly once, in order, as a {@code delta}
 * event whose id is the answer's length so far (UTF-8 bytes), then the {@code outcome} event. Everything for one
 * client runs on its own virtual thread, so a slow client delays nobody else.
 */
final class AnswerStream {

    private final QueryId id;
    private final SseEmitter emitter;
    private final AnswerDeltas deltas;
    private final ExecutorService lane =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private int sent;
    private boolean done;

    private final Consumer<AnswerStream> onClosed;

    AnswerStream(QueryId id, int from, SseEmitter emitter, AnswerDeltas deltas, Consumer<AnswerStream> onClosed) {
        this.id = id;
        this.sent = from;
        this.emitter = emitter;
        this.deltas = deltas;
        this.onClosed = onClosed;
    }

    QueryId id() {
        return id;
    }

    /** Sends what was streamed before this client came (or since its last event). */
    void catchUp() {
        run(this::sendMissed);
    }

    void onDelta(int offset, String text) {
        run(() -> {
            if (done) {
                return;
            }
            int end = offset + RedisAnswerDeltas.byteLength(text);
            if (end <= sent) {
                return;
            }
            if (offset > sent) {
                sendMissed();
                return;
            }
            send(RedisAnswerDeltas.fromByte(text, sent - offset), end);
        });
    }

    void onOutcome(String json) {
        run(() -> {
            if (done) {
                return;
            }
            if (ProtocolJson.decodeOutcome(json).result() instanceof Outcome.Answered answered) {
                String rest = RedisAnswerDeltas.fromByte(answered.text(), sent);
                if (!rest.isEmpty()) {
                    send(rest, RedisAnswerDeltas.byteLength(answered.text()));
                }
            }
            try {
                emitter.send(SseEmitter.event().name("outcome").data(json, MediaType.APPLICATION_JSON));
                emitter.complete();
            } catch (IOException ex) {
                emitter.completeWithError(ex);
            }
            onClosed.accept(this);
        });
    }

    /** Runs a step on this client's own thread; once the stream closed, late events have nothing left to do. */
    private void run(Runnable step) {
        try {
            lane.execute(step);
        } catch (RejectedExecutionException ex) {
            // closed: the outcome was sent or the client left
        }
    }

    private void sendMissed() {
        if (done) {
            return;
        }
        String missed = deltas.readFrom(id, sent);
        if (!missed.isEmpty()) {
            send(missed, sent + RedisAnswerDeltas.byteLength(missed));
        }
    }

    private void send(String text, int end) {
        try {
            emitter.send(SseEmitter.event()
                    .id(Integer.toString(end))
                    .name("delta")
                    .data(Map.of("text", text), MediaType.APPLICATION_JSON));
            sent = end;
        } catch (IOException ex) {
            emitter.completeWithError(ex);
            onClosed.accept(this);
        }
    }

    /**
     * Ends the stream without its outcome, for a replica that is stopping: the client reconnects (an
     * {@code EventSource} does so by itself) with the {@code Last-Event-ID} it has, and resumes on another replica.
     */
    void end() {
        run(() -> {
            if (done) {
                return;
            }
            emitter.complete();
            onClosed.accept(this);
        });
    }

    /** Stops sending; the stream is forgotten by its owner through the emitter's callbacks. */
    void close() {
        done = true;
        lane.shutdown();
    }
}
