package dev.llmq.worker.processing;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import dev.llmq.shared.redis.RedisFailures;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes an answer's pieces on to streaming clients, coalesced: a piece waits until it is one interval old (at most
 * one Redis round trip per interval), and there is no last round trip at the end, since the outcome stored next
 * carries the whole text and streams send the rest from it. So an answer that streams in faster than one interval
 * after its first token costs no Redis command here. Best effort: a piece that cannot be published is only missing
 * from the live view, never from the outcome.
 */
final class DeltaPublisher implements Consumer<String> {

    private static final Logger log = LoggerFactory.getLogger(DeltaPublisher.class);

    private final AnswerDeltas deltas;
    private final QueryId id;
    private final long intervalNanos;
    private final StringBuilder pending = new StringBuilder();
    private int offset;
    private long oldestPending;

    DeltaPublisher(AnswerDeltas deltas, QueryId id, Duration interval) {
        this.deltas = deltas;
        this.id = id;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void accept(String piece) {
        if (piece.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (pending.isEmpty()) {
            oldestPending = now;
        }
        pending.append(piece);
        if (now - oldestPending >= intervalNanos) {
            flush();
        }
    }

    private void flush() {
        String text = pending.toString();
        pending.setLength(0);
        try {
            deltas.append(id, offset, text);
        } catch (RuntimeException ex) {
            log.debug("query={} answer piece not published: {}", id, RedisFailures.describe(ex));
        }
        offset += RedisAnswerDeltas.byteLength(text);
    }
}
