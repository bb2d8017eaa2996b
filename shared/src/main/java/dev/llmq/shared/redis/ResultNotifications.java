package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;

/** The live feed of stored outcomes: one pattern subscription per process, fanned out in-process. */
public interface ResultNotifications extends AutoCloseable {

    /** Starts delivering every published outcome to {@code listener}. */
    void subscribe(Listener listener);

    @Override
    void close();

    /** Receives outcomes as they are published, and hears when the subscription was (re)established. */
    interface Listener {

        void onOutcome(QueryId id, String json);

        /**
         * The subscription is active: first once it is made, then again after every reconnect (messages may have been
         * missed in between, so waiters must re-read their keys).
         */
        void onResubscribed();
    }
}
