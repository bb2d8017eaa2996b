package dev.llmq.api.query;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryStatus;

/** A cancel of a query that has already reached its terminal outcome; carries that outcome's status. */
public class QueryAlreadyEndedException extends RuntimeException {

    private final QueryId id;
    private final QueryStatus status;

    public QueryAlreadyEndedException(QueryId id, QueryStatus status) {
        super("query " + id + " has already ended (" + status.wireName()
                + "); only a queued or running query can be cancelled");
        this.id = id;
        this.status = status;
    }

    public QueryId id() {
        return id;
    }

    public QueryStatus status() {
        return status;
    }
}
