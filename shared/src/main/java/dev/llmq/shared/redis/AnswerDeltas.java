package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;

/**
 * The answer text of running queries as it streams in: workers append pieces, api-services read what was missed and
 * hear the rest live through one pattern subscription per process. Offsets count characters of the answer.
 */
public interface AnswerDeltas extends AutoCloseable {

    /** Appends {@code text}, which starts at character {@code offset} of the answer, and announces it. */
    void append(QueryId id, int offset, String text);

    /** The answer text streamed so far from character {@code offset} on (empty when none or already finished). */
    String readFrom(QueryId id, int offset);

    /** Starts delivering every announced piece to {@code listener}. */
    void subscribe(Listener listener);

    @Override
    void close();

    /** Hears pieces of answers as workers append them. */
    @FunctionalInterface
    interface Listener {

        void onDelta(QueryId id, int offset, String text);
    }
}
