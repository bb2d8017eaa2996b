package dev.llmq.shared.redis;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Query;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The consumer side of the query stream for one worker (one consumer of the group). Crash recovery lives in the
 * stream's pending-entries list: what a worker read stays pending until {@link #finish} acknowledges it.
 */
public interface WorkQueue {

    /** The consumer name of this worker in the group. */
    String consumer();

    /** Makes sure the stream and the consumer group exist. */
    void ensureGroup();

    /** Reads at most {@code max} never-delivered entries, blocking up to {@code block} when there are none. */
    List<Delivery> read(int max, Duration block);

    /**
     * Marks the query running (its current call started at {@code startedAt}) unless an outcome is already stored or
     * Redis does not know the query: {@link Begun.Running} to process it, else {@link Begun.Finished} with the stored
     * outcome or {@link Begun.Unknown}, whose entry is to be acknowledged without processing it.
     */
    Begun begin(Delivery delivery, Instant startedAt);

    /**
     * Stores the outcome unless one exists, publishes it, and acknowledges and deletes the entry: in the same round
     * trip, or, with batched acknowledgements, together with other finished entries a moment later (the entry stays
     * pending until then). Returns whether this outcome was the one stored (the first stored outcome wins). The query's
     * partial answer, if it may have one, goes with it.
     */
    default boolean finish(Delivery delivery, Outcome outcome) {
        return finish(delivery, outcome, true);
    }

    /**
     * {@link #finish(Delivery, Outcome)}, told whether this delivery wrote a partial answer for streaming clients
     * ({@code answerStreamed}): if it did not, and no earlier delivery or attempt could have, there is none to delete.
     */
    boolean finish(Delivery delivery, Outcome outcome, boolean answerStreamed);

    /**
     * Takes the query off the stream and schedules {@code next} (its next attempt) for {@code due}, in one atomic step:
     * a waiting retry holds no worker slot and survives any worker's crash. Only while this worker still owns the
     * entry, so it is safe to repeat after a failure: once the entry is off the stream or claimed by another worker,
     * it schedules nothing and leaves the query's status as its new owner set it. Once scheduled, the status says
     * queued again. Returns whether this call scheduled it.
     */
    boolean retryLater(Delivery delivery, Query next, Instant due);

    /** Moves retries due by {@code now} back onto the stream (at most {@code max}); returns how many. */
    int promoteDueRetries(Instant now, int max);

    /** Acknowledges and deletes an entry whose query already has an outcome. */
    void discard(Delivery delivery);

    /**
     * Resets the idle time of entries this worker still owns; returns the entry ids another worker has claimed (an
     * entry already acknowledged, whoever finished it, is not among them).
     */
    Set<String> keepAlive(Collection<String> entryIds);

    /**
     * Claims up to {@code max} entries left idle for at least {@code minIdle}: those of dead consumers, and this
     * consumer's own that it no longer works on (all but {@code inFlight}).
     */
    List<Delivery> claimAbandoned(Duration minIdle, int max, Set<String> inFlight);

    /** Removes consumers of stopped workers: no pending entries and idle for at least {@code idleFor}. */
    long removeIdleConsumers(Duration idleFor);

    /** Gives entries back at once: they look abandoned, so any worker's next claim takes them. */
    void release(Collection<String> entryIds);
}
