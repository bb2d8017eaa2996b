package dev.llmq.api.query;

import dev.llmq.shared.query.MalformedProtocolJsonException;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.redis.RedisFailures;
import dev.llmq.shared.redis.ResultNotifications;
import dev.llmq.shared.redis.ResultStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Every {@code GET /result} waiting in this replica, keyed by query id. Fed by the replica's one pattern subscription,
 * so waiters cost memory, not Redis connections. A waiter registers before it reads the key, so a result stored in
 * between still wakes it; after a resubscription every waiter's key is read again. When the replica stops, every wait
 * is {@linkplain #releaseAll() released} at once, as if its time were up.
 */
@Component
public class ResultWaiters implements ResultNotifications.Listener, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ResultWaiters.class);

    /** Result keys read in one pipelined round trip by a recheck. */
    private static final int RECHECK_CHUNK = 500;
    /** How long after an outcome is stored its notification counts as missed, for the recheck's warning. */
    private static final Duration NOTIFICATION_LATE = Duration.ofSeconds(1);

    private final Map<QueryId, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private volatile boolean released;
    private final ResultStore store;
    private final Duration recheckInterval;
    private final @Nullable Thread rechecker;

    ResultWaiters(ResultStore store, ApiProperties properties) {
        this.store = store;
        this.recheckInterval = properties.resultRecheckInterval();
        this.rechecker = recheckInterval.isZero()
                ? null
                : Thread.ofVirtual().name("llmq-recheck-results").start(this::recheckUntilStopped);
    }

    @Override
    public void destroy() {
        if (rechecker != null) {
            rechecker.interrupt();
        }
    }

    /**
     * The safety net under the notifications: every interval, the results of the waits parked at least that long are
     * read again (pipelined, {@value #RECHECK_CHUNK} keys a round trip), so a wait whose notification never arrived
     * is answered within the interval instead of at the end of its wait. The misses the benchmarks saw (one in
     * 10,000-20,000 waits, no reconnect logged) were Redisson's decoder dropping a message after a keep-alive reply,
     * fixed by {@code RespFrameAligner}; the recheck stays for whatever else may lose one (a notification is fire and
     * forget).
     */
    private void recheckUntilStopped() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(recheckInterval);
                recheck();
            } catch (InterruptedException ex) {
                return;
            } catch (RuntimeException ex) {
                log.warn("Could not re-read the results of parked waits: {}", RedisFailures.describe(ex));
            }
        }
    }

    /** Reads again the results of the waits parked for at least the recheck interval, and wakes those stored. */
    void recheck() {
        long parkedBefore = System.nanoTime() - recheckInterval.toNanos();
        List<QueryId> due = new ArrayList<>();
        waiting.forEach((id, waiters) -> {
            if (waiters.stream().anyMatch(waiter -> waiter.registeredAt - parkedBefore <= 0)) {
                due.add(id);
            }
        });
        for (int from = 0; from < due.size(); from += RECHECK_CHUNK) {
            store.outcomes(due.subList(from, Math.min(due.size(), from + RECHECK_CHUNK)))
                    .forEach((id, json) -> {
                        if (wake(id, json)) {
                            reportRecheckWake(id, json);
                        }
                    });
        }
    }

    /**
     * A recheck that finds an outcome stored a moment ago only beat its notification, which is on its way; one stored
     * longer ago than {@link #NOTIFICATION_LATE} means the notification was lost (or is that late): that is a warning.
     */
    private static void reportRecheckWake(QueryId id, String json) {
        Instant completedAt;
        try {
            completedAt = ProtocolJson.decodeOutcome(json).completedAt();
        } catch (MalformedProtocolJsonException ex) {
            completedAt = Instant.EPOCH;
        }
        Duration since = Duration.between(completedAt, Instant.now());
        if (since.compareTo(NOTIFICATION_LATE) > 0) {
            log.warn(
                    "query={} wait woken by a recheck: its result notification had not arrived {} after the outcome"
                            + " was stored",
                    id,
                    since);
        } else {
            log.debug("query={} wait woken by a recheck just before its notification ({} after the store)", id, since);
        }
    }

    /** Completes every wait for {@code id}; false if none was waiting. */
    private boolean wake(QueryId id, String json) {
        Set<Waiter> waiters = waiting.remove(id);
        if (waiters == null) {
            return false;
        }
        waiters.forEach(waiter -> waiter.outcome.complete(Optional.of(json)));
        return true;
    }

    /**
     * Ends every wait now, and every wait that registers from now on at once, without an outcome (as if its time were
     * up): for a replica that is stopping, whose parked waits would otherwise hold its graceful shutdown until they
     * timed out and then be cut off. Their clients get the query's current status and ask again, on another replica.
     */
    void releaseAll() {
        released = true;
        waiting.values().forEach(waiters -> waiters.forEach(waiter -> waiter.outcome.complete(Optional.empty())));
    }

    /** Lets waits park again after {@link #releaseAll()}: the replica started again (a context restarted in place). */
    void resume() {
        released = false;
    }

    /** Whether {@link #releaseAll()} was called: waits end at once. */
    boolean released() {
        return released;
    }

    /** Registers interest in {@code id}; close the waiter when done. */
    Waiter register(QueryId id) {
        Waiter waiter = new Waiter(id);
        // added under the map's lock: added after computeIfAbsent returned, a waiter could land in a set that another
        // request's close() had just dropped from the map as empty, and no outcome would ever reach it
        waiting.compute(id, (key, waiters) -> {
            Set<Waiter> set = waiters != null ? waiters : ConcurrentHashMap.newKeySet();
            set.add(waiter);
            return set;
        });
        // after adding: a release that began before is seen here, one that begins after finds the waiter in the map
        if (released) {
            waiter.outcome.complete(Optional.empty());
        }
        return waiter;
    }

    /** How many requests are waiting right now. */
    public int size() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void onOutcome(QueryId id, String json) {
        wake(id, json);
    }

    @Override
    public void onResubscribed() {
        if (waiting.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("llmq-reread-results").start(() -> {
            for (QueryId id : Set.copyOf(waiting.keySet())) {
                try {
                    if (store.lookup(id) instanceof QueryLookup.Completed completed) {
                        onOutcome(id, completed.json());
                    }
                } catch (RuntimeException ex) {
                    log.warn(
                            "Could not re-read the result of query {} after a reconnect: {}",
                            id,
                            RedisFailures.describe(ex));
                }
            }
        });
    }

    /** One request's wait for one query's outcome. */
    final class Waiter implements AutoCloseable {

        private final QueryId id;
        private final long registeredAt = System.nanoTime();
        // empty when released before an outcome arrived
        private final CompletableFuture<Optional<String>> outcome = new CompletableFuture<>();

        private Waiter(QueryId id) {
            this.id = id;
        }

        /** The outcome JSON if it is published within {@code timeout} (and before the waits are released). */
        Optional<String> await(Duration timeout) {
            try {
                return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException ex) {
                return Optional.empty();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException ex) {
                throw new IllegalStateException("waiter for query " + id + " failed", ex.getCause());
            }
        }

        @Override
        public void close() {
            waiting.computeIfPresent(id, (key, waiters) -> {
                waiters.remove(this);
                return waiters.isEmpty() ? null : waiters;
            });
        }
    }
}
