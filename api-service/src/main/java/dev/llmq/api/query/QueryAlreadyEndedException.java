package dev.llmq.api.query;

import dev.llmq.shared.query.QueryId;

/** A cancel of a query that has already reached its terminal outcome; carries that outcome's JSON. */
public class QueryAlreadyEndedException extends RuntimeException {

    private final QueryId id;
    private final String outcomeJson;

    public QueryAlreadyEndedException(QueryId id, String status, String outcomeJson) {
        super("query " + id + " has already ended (" + status + "); only a queued or running query can be cancelled");
        this.id = id;
        this.outcomeJson = outcomeJson;
    }

    public QueryId id() {
        return id;
    }

    public String outcomeJson() {
        return outcomeJson;
    }
}
