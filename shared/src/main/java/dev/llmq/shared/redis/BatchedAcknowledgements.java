package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RStreamAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges and deletes the stream entries of finished queries together, every {@code interval}: one {@code XACK}
 * and one {@code XDEL} per stream for all entries finished meanwhile, instead of two commands per query. An entry is
 * handed over only once its outcome is stored, so this never acknowledges an entry without an outcome, on one server
 * or a cluster. Until its flush the entry stays pending: a worker that dies in between has it redelivered, and whoever
 * takes it finds the outcome stored (its status record gone) and acknowledges it without an LLM call. A flush that
 * fails (Redis unreachable) keeps its entries for the next one; closing flushes what is left.
 */
public final class BatchedAcknowledgements implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchedAcknowledgements.class);

    /** Entry ids per command at most, so that one flush after a long outage does not send one huge command. */
    private static final int MAX_IDS_PER_COMMAND = 1_000;

    private final RedissonClient redis;
    private final Duration interval;
    private final ConcurrentLinkedQueue<String> waiting = new ConcurrentLinkedQueue<>();
    private final @Nullable Thread flusher;
    private volatile boolean closed;

    /** An {@code interval} of zero batches nothing: {@link #batches()} is false and a work queue acknowledges alone. */
    public BatchedAcknowledgements(RedissonClient redis, Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException(
                    "the interval between acknowledgements must not be negative: " + interval);
        }
        this.redis = redis;
        this.interval = interval;
        this.flusher = interval.isZero()
                ? null
                : Thread.ofPlatform().daemon().name("llmq-acknowledgements").start(this::flushEveryInterval);
    }

    /** Whether entries handed over wait for a flush (false: an interval of zero, each is acknowledged at once). */
    public boolean batches() {
        return flusher != null;
    }

    /** Acknowledges and deletes the entry ({@link Delivery#entryId()}) with the next flush. */
    public void add(String entryId) {
        waiting.add(entryId);
        if (closed || flusher == null) {
            flush();
        }
    }

    /** Entries handed over and not yet acknowledged. */
    public int waiting() {
        return waiting.size();
    }

    private void flushEveryInterval() {
        while (!closed) {
            LockSupport.parkNanos(interval.toNanos());
            try {
                flush();
            } catch (RuntimeException ex) {
                log.warn(
                        "Could not acknowledge {} finished stream entries; trying again in {}: {}",
                        waiting.size(),
                        interval,
                        ex.toString());
            }
        }
    }

    /** Acknowledges and deletes every entry handed over so far, in one pipeline; returns how many. */
    public synchronized int flush() {
        List<String> taken = new ArrayList<>();
        for (String entryId = waiting.poll(); entryId != null; entryId = waiting.poll()) {
            taken.add(entryId);
        }
        if (taken.isEmpty()) {
            return 0;
        }
        Map<String, List<StreamMessageId>> byStream = new LinkedHashMap<>();
        for (String entryId : taken) {
            byStream.computeIfAbsent(EntryIds.streamKeyOf(entryId), stream -> new ArrayList<>())
                    .add(EntryIds.idOf(entryId));
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        byStream.forEach((key, ids) -> {
            RStreamAsync<String, String> stream = batch.getStream(key, StringCodec.INSTANCE);
            for (int from = 0; from < ids.size(); from += MAX_IDS_PER_COMMAND) {
                StreamMessageId[] chunk = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_COMMAND))
                        .toArray(StreamMessageId[]::new);
                stream.ackAsync(RedisKeys.WORKER_GROUP, chunk);
                stream.removeAsync(chunk);
            }
        });
        try {
            batch.execute();
        } catch (RuntimeException ex) {
            waiting.addAll(taken);
            throw ex;
        }
        return taken.size();
    }

    /** Stops the periodic flush and flushes what is left (a failure is logged: those entries are redelivered). */
    @Override
    public void close() {
        closed = true;
        if (flusher != null) {
            LockSupport.unpark(flusher);
            try {
                flusher.join(interval.multipliedBy(2).plusSeconds(5));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            flush();
        } catch (RuntimeException ex) {
            log.warn(
                    "Could not acknowledge {} finished stream entries while stopping; their outcomes are stored, so"
                            + " whoever is redelivered them acknowledges them without an LLM call: {}",
                    waiting.size(),
                    ex.toString());
        }
    }
}
