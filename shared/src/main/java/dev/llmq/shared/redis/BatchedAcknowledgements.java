package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
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
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RStreamAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges and deletes the stream entries of finished queries together, every {@code interval}: one {@code XACK}
 * and one {@code XDEL} per stream for all entries finished meanwhile, instead of two commands per query. An entry is
 * handed over only once its outcome is confirmed stored. Until its flush the entry stays pending: a worker that dies
 * in between has it redelivered, and whoever takes it finds the outcome stored (its status record gone) and
 * acknowledges it without an LLM call. A flush that fails (Redis unreachable) keeps its entries for the next one;
 * closing flushes what is left.
 *
 * <p>Off a cluster (one server, or a primary watched by Sentinels) the flush checks, in the same script, that each
 * query's outcome is on the server it acknowledges on: replication is asynchronous, so in a failover an outcome the old
 * primary confirmed can be missing on the promoted replica, and the flush, a moment later, may already reach the new
 * primary. An entry whose query has no outcome there but still a status record is left pending (logged) and reclaimed
 * like a dead worker's, so its query is answered again instead of being acknowledged without an outcome and lost. On a
 * cluster the entry and the outcome live on different primaries and no script sees both: there {@link RedisWorkQueue}
 * waits for a replica to confirm the outcome instead.
 */
public final class BatchedAcknowledgements implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchedAcknowledgements.class);

    /** Entry ids per command at most, so that one flush after a long outage does not send one huge command. */
    private static final int MAX_IDS_PER_COMMAND = 1_000;

    private final RedissonClient redis;
    private final Duration interval;
    private final boolean checked;
    private final ConcurrentLinkedQueue<Finished> waiting = new ConcurrentLinkedQueue<>();
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
        this.checked = !redis.getConfig().isClusterConfig();
        this.flusher = interval.isZero()
                ? null
                : Thread.ofPlatform().daemon().name("llmq-acknowledgements").start(this::flushEveryInterval);
    }

    /** Whether entries handed over wait for a flush (false: an interval of zero, each is acknowledged at once). */
    public boolean batches() {
        return flusher != null;
    }

    /**
     * Acknowledges and deletes the entry ({@link Delivery#entryId()}) of {@code query}, whose outcome is stored, with
     * the next flush.
     */
    public void add(String entryId, QueryId query) {
        waiting.add(new Finished(entryId, query));
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

    /**
     * Acknowledges and deletes every entry handed over so far, in one pipeline; returns how many (off a cluster, those
     * whose outcome the server has: see the class comment).
     */
    public synchronized int flush() {
        List<Finished> taken = new ArrayList<>();
        for (Finished entry = waiting.poll(); entry != null; entry = waiting.poll()) {
            taken.add(entry);
        }
        if (taken.isEmpty()) {
            return 0;
        }
        Map<String, List<Finished>> byStream = new LinkedHashMap<>();
        for (Finished entry : taken) {
            byStream.computeIfAbsent(EntryIds.streamKeyOf(entry.entryId()), stream -> new ArrayList<>())
                    .add(entry);
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        List<RFuture<List<Object>>> keptPending = new ArrayList<>();
        byStream.forEach((key, entries) -> {
            for (int from = 0; from < entries.size(); from += MAX_IDS_PER_COMMAND) {
                List<Finished> chunk = entries.subList(from, Math.min(entries.size(), from + MAX_IDS_PER_COMMAND));
                if (checked) {
                    keptPending.add(acknowledgeFinished(batch, key, chunk));
                } else {
                    StreamMessageId[] ids = chunk.stream()
                            .map(entry -> EntryIds.idOf(entry.entryId()))
                            .toArray(StreamMessageId[]::new);
                    RStreamAsync<String, String> stream = batch.getStream(key, StringCodec.INSTANCE);
                    stream.ackAsync(RedisKeys.WORKER_GROUP, ids);
                    stream.removeAsync(ids);
                }
            }
        });
        try {
            batch.execute();
        } catch (RuntimeException ex) {
            waiting.addAll(taken);
            throw ex;
        }
        List<Object> kept = new ArrayList<>();
        keptPending.forEach(reply -> kept.addAll(reply.toCompletableFuture().join()));
        if (!kept.isEmpty()) {
            log.warn(
                    "{} finished stream entries have no outcome on the primary (stored on one that failed over before"
                            + " its replica had it?); left pending, they are reclaimed and their queries answered"
                            + " again: {}",
                    kept.size(),
                    kept);
        }
        return taken.size() - kept.size();
    }

    /** One {@link Scripts#ACKNOWLEDGE_FINISHED} for up to {@value #MAX_IDS_PER_COMMAND} entries of one stream. */
    private static RFuture<List<Object>> acknowledgeFinished(RBatch batch, String stream, List<Finished> entries) {
        List<Object> keys = new ArrayList<>(2 * entries.size() + 1);
        Object[] args = new Object[entries.size() + 1];
        keys.add(stream);
        args[0] = RedisKeys.WORKER_GROUP;
        for (int i = 0; i < entries.size(); i++) {
            keys.add(RedisKeys.resultKey(entries.get(i).query()));
            keys.add(RedisKeys.statusKey(entries.get(i).query()));
            args[i + 1] = EntryIds.idOf(entries.get(i).entryId()).toString();
        }
        return batch.getScript(StringCodec.INSTANCE)
                .evalAsync(RScript.Mode.READ_WRITE, Scripts.ACKNOWLEDGE_FINISHED, RScript.ReturnType.LIST, keys, args);
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

    /** An entry handed over, and the query whose result and status record say whether its outcome is stored. */
    private record Finished(String entryId, QueryId query) {}
}
