package dev.llmq.api.query;

import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.ResultNotifications;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The queries this replica submitted in the last {@link #WINDOW}, and the outcomes its pattern subscription heard for
 * them: what a {@code GET /result?wait=} for one of them needs without reading Redis. A query submitted while the
 * subscription was up, with no resubscription since, cannot have an outcome the subscription did not deliver (an
 * outcome is published when it is stored, and nothing is stored for a query before it is submitted): so either its
 * outcome is here, or none is stored yet and the wait parks, to be woken by the notification. The happy path's one
 * Redis read of a wait ({@code MGET} of the result and the status) is saved when the client waits on the replica it
 * submitted to, as a client that posts and then waits on one connection does. Anything else reads Redis as before:
 * another replica's query, an older one, a wait of zero (it needs the current status), and every query after a
 * reconnect of the subscription (messages may have been missed in the gap). A notification that never arrives is
 * still caught by the waits' recheck, as for every parked wait.
 */
@Component
public class OwnSubmissions implements ResultNotifications.Listener {

    /** How long after its submission a query's wait may skip the read: clients wait right after they submit. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    /** At most this many remembered (the oldest go first): about 150 bytes each, plus an outcome when one came. */
    static final int MOST = 100_000;

    /**
     * At most this many characters of outcomes kept: long answers at a high rate must not fill the heap. An outcome
     * beyond it is not kept, and its query is forgotten (its wait reads Redis).
     */
    static final long MOST_OUTCOME_CHARS = 8_000_000;

    /** Not subscribed: no submission made now may skip a read. */
    static final long NOT_SUBSCRIBED = -1;

    private final Map<QueryId, Submitted> submitted = new ConcurrentHashMap<>();
    // every entry of the map, and entries forgotten early (an outcome not kept) until they reach the head
    private final Queue<Submitted> oldestFirst = new ConcurrentLinkedQueue<>();
    private final AtomicLong outcomeChars = new AtomicLong();
    private final Clock clock;
    private volatile long subscription = NOT_SUBSCRIBED;
    private long subscriptions;

    OwnSubmissions(Clock clock) {
        this.clock = clock;
    }

    /** One query this replica submitted, under the subscription that was up before it was written. */
    private static final class Submitted {

        final QueryId id;
        final TenantId tenant;
        final @Nullable Instant deadline;
        final long subscription;
        final Instant at;
        volatile @Nullable String outcome;
        // set under this entry's lock: once forgotten, no outcome is kept in it (its characters would never be given
        // back)
        volatile boolean forgotten;

        Submitted(Query query, long subscription, Instant at) {
            this.id = query.id();
            this.tenant = query.tenant();
            this.deadline = query.deadline();
            this.subscription = subscription;
            this.at = at;
        }
    }

    /** What is known of a query without Redis: its outcome JSON, or none stored yet (null). */
    record Known(@Nullable String outcome) {}

    /** The current subscription (counted from 1), or {@link #NOT_SUBSCRIBED}. */
    long subscription() {
        return subscription;
    }

    /**
     * Remembers {@code query} under the current subscription. Call once its id is issued and before anything of it
     * is written: remembered after, its outcome could come first (a worker answering before the submission returned)
     * and find nothing to be kept in.
     */
    public void submitting(Query query) {
        long current = subscription;
        if (current == NOT_SUBSCRIBED) {
            return;
        }
        Instant now = clock.instant();
        forgetOld(now);
        Submitted entry = new Submitted(query, current, now);
        if (submitted.putIfAbsent(query.id(), entry) == null) {
            oldestFirst.add(entry);
        }
    }

    /**
     * What is known of {@code id} for {@code tenant} without reading Redis; empty when it must be read: not submitted
     * here within the window, another tenant's, its outcome not kept, under an earlier subscription, or queued past
     * its deadline (the read expires it).
     */
    Optional<Known> known(QueryId id, TenantId tenant) {
        Submitted entry = submitted.get(id);
        Instant now = clock.instant();
        if (entry == null
                || entry.subscription != subscription
                || !entry.tenant.equals(tenant)
                || entry.at.isBefore(now.minus(WINDOW))) {
            return Optional.empty();
        }
        String outcome = entry.outcome;
        if (outcome == null && entry.deadline != null && now.isAfter(entry.deadline)) {
            return Optional.empty();
        }
        return Optional.of(new Known(outcome));
    }

    /**
     * An outcome was published: kept for its query if it was submitted here lately and the outcomes kept leave room
     * for it; otherwise that query is forgotten, and its wait reads Redis. Call before waking the waits.
     */
    @Override
    public void onOutcome(QueryId id, String json) {
        Submitted entry = submitted.get(id);
        if (entry == null) {
            return;
        }
        boolean kept = false;
        synchronized (entry) {
            if (!entry.forgotten
                    && entry.outcome == null
                    && !entry.at.isBefore(clock.instant().minus(WINDOW))) {
                if (outcomeChars.addAndGet(json.length()) <= MOST_OUTCOME_CHARS) {
                    entry.outcome = json;
                    kept = true;
                } else {
                    outcomeChars.addAndGet(-json.length());
                }
            }
        }
        if (!kept) {
            forget(entry);
        }
    }

    /** The subscription is (again) up: what was submitted before may have missed its outcome in the gap. */
    @Override
    public synchronized void onResubscribed() {
        subscription = ++subscriptions;
    }

    /** How many queries are remembered. */
    int size() {
        return submitted.size();
    }

    /** How many characters of outcomes are kept. */
    long outcomeChars() {
        return outcomeChars.get();
    }

    private void forgetOld(Instant now) {
        Instant oldest = now.minus(WINDOW);
        for (Submitted head = oldestFirst.peek();
                head != null && (head.forgotten || head.at.isBefore(oldest) || submitted.size() >= MOST);
                head = oldestFirst.peek()) {
            // the head is the queue's first node: removing it costs no scan (false if another thread took it)
            if (oldestFirst.remove(head)) {
                forget(head);
            }
        }
    }

    /**
     * Drops {@code entry} from the map and gives back its outcome's characters; its queue node stays until it reaches
     * the head, so that no outcome makes the notification thread scan the queue.
     */
    private void forget(Submitted entry) {
        submitted.remove(entry.id, entry);
        synchronized (entry) {
            if (entry.forgotten) {
                return;
            }
            entry.forgotten = true;
            String outcome = entry.outcome;
            if (outcome != null) {
                outcomeChars.addAndGet(-outcome.length());
            }
        }
    }
}
