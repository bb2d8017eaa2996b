package dev.llmq.api.query;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.ResultStore;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Every {@code GET /result/stream} open in this replica, fed by the replica's two pattern subscriptions (answer
 * pieces and outcomes), so a stream costs a virtual thread, not a Redis connection.
 */
@Component
public class AnswerStreams implements AnswerDeltas.Listener {

    private final Map<QueryId, Set<AnswerStream>> open = new ConcurrentHashMap<>();
    private final AnswerDeltas deltas;
    private final ResultStore store;

    AnswerStreams(AnswerDeltas deltas, ResultStore store) {
        this.deltas = deltas;
        this.store = store;
    }

    /** Registers a client before anything is read, so nothing published meanwhile is missed. */
    AnswerStream open(QueryId id, int from, SseEmitter emitter) {
        AnswerStream stream = new AnswerStream(id, from, emitter, deltas, this::forget);
        open.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(stream);
        Runnable forget = () -> forget(stream);
        emitter.onCompletion(forget);
        emitter.onTimeout(() -> {
            forget.run();
            emitter.complete();
        });
        emitter.onError(error -> forget.run());
        return stream;
    }

    void forget(AnswerStream stream) {
        stream.close();
        open.computeIfPresent(stream.id(), (key, streams) -> {
            streams.remove(stream);
            return streams.isEmpty() ? null : streams;
        });
    }

    /** Ends every open stream without its outcome (see {@link AnswerStream#end()}): the replica is stopping. */
    void endAll() {
        open.values().forEach(streams -> streams.forEach(AnswerStream::end));
    }

    /** How many streams are open right now. */
    public int size() {
        return open.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void onDelta(QueryId id, int offset, String text) {
        Set<AnswerStream> streams = open.get(id);
        if (streams != null) {
            streams.forEach(stream -> stream.onDelta(offset, text));
        }
    }

    /** After a reconnect, pieces or the outcome may have been missed: every stream looks again. */
    public void onResubscribed() {
        for (QueryId id : Set.copyOf(open.keySet())) {
            try {
                if (store.lookup(id) instanceof QueryLookup.Completed completed) {
                    onOutcome(id, completed.json());
                } else {
                    open.getOrDefault(id, Set.of()).forEach(AnswerStream::catchUp);
                }
            } catch (RuntimeException ex) {
                // Redis still unsteady: the next piece or the outcome brings the stream up to date
            }
        }
    }

    /** The query ended: every stream sends the rest of the answer and the outcome, then closes. */
    public void onOutcome(QueryId id, String json) {
        Set<AnswerStream> streams = open.remove(id);
        if (streams != null) {
            streams.forEach(stream -> stream.onOutcome(json));
        }
    }
}
