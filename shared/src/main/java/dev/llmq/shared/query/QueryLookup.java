package dev.llmq.shared.query;

/** What Redis knows about a query id right now. */
public sealed interface QueryLookup permits QueryLookup.Completed, QueryLookup.InProgress, QueryLookup.Unknown {

    /** The query reached its terminal outcome; {@code json} is its stored form, served as is. */
    record Completed(String json, TenantId tenant) implements QueryLookup {}

    /** The query was accepted and has no outcome yet. */
    record InProgress(QueryState state) implements QueryLookup {

        public QueryStatus status() {
            return state.status();
        }

        public TenantId tenant() {
            return state.tenant();
        }
    }

    /** The id was never issued, or everything about it has expired. */
    record Unknown() implements QueryLookup {}
}
