package dev.llmq.worker.processing;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import dev.llmq.shared.redis.RedisFailures;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes an answer's pieces on to streaming clients, coalesced: pending pieces go out when a piece arrives at least one
 * interval after the last round trip, or after the answer's first piece (at most one Redis round trip per interval),
 * and there is no last round trip at the end, since the outcome stored next carries the whole text and streams send
 * the rest from it. So an answer that streams in within one interval of its first token costs no Redis command here,
 * while a slow one is live from its second piece on. Best effort: a piece that cannot be published is only missing
 * from the live view, never from the outcome.
 */
final class DeltaPublisher implements Consumer<String> {

    private static final Logger log = LoggerFactory.getLogger(DeltaPublisher.class);

    private final AnswerDeltas deltas;
    private final QueryId id;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final StringBuilder pending = new StringBuilder();
    private int offset;
    private boolean started;
    /** When the last round trip went out, or the first piece arrived. */
    private long lastFlush;

    DeltaPublisher(AnswerDeltas deltas, QueryId id, Duration interval) {
        this(deltas, id, interval, System::nanoTime);
    }

    /** With {@code nanoTime} as the clock (tests pace the pieces with it). */
    DeltaPublisher(AnswerDeltas deltas, QueryId id, Duration interval, LongSupplier nanoTime) {
        this.deltas = deltas;
        this.id = id;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public void accept(String piece) {
        if (piece.isEmpty()) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (!started) {
            started = true;
            lastFlush = now;
        }
        pending.append(piece);
        if (now - lastFlush >= intervalNanos) {
            flush(now);
        }
    }

    /** Whether a round trip went out (or was tried): a partial answer may exist in Redis for this query. */
    boolean published() {
        return offset > 0;
    }

    private void flush(long now) {
        lastFlush = now;
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
