package dev.llmq.api.query;

import dev.llmq.shared.query.QueryId;

/** No query with this id exists: never issued, or its result has expired. */
public class QueryNotFoundException extends RuntimeException {

    private final QueryId id;

    public QueryNotFoundException(QueryId id) {
        super("no query with id " + id + " (never issued, or its result has expired)");
        this.id = id;
    }

    public QueryId id() {
        return id;
    }
}
