package dev.llmq.shared.logging;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.TenantId;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts a query's id and tenant into the logging context (SLF4J's MDC) of the current thread, so that every line logged
 * while the query is worked on carries them as the structured fields {@value #QUERY_ID} and {@value #TENANT}. A scope
 * restores what the thread had before when it closes; open one around the work, on the thread that does it.
 */
public final class QueryLogContext {

    /** The MDC key of the query id. */
    public static final String QUERY_ID = "query_id";

    /** The MDC key of the tenant. */
    public static final String TENANT = "tenant";

    private QueryLogContext() {}

    /** Marks the current thread as working on {@code id} of {@code tenant} until the scope closes. */
    public static Scope open(QueryId id, TenantId tenant) {
        Scope scope = Scope.saved();
        MDC.put(QUERY_ID, Long.toString(id.value()));
        MDC.put(TENANT, tenant.value());
        return scope;
    }

    /** Marks the current thread as acting for {@code tenant} (no query known yet) until the scope closes. */
    public static Scope open(TenantId tenant) {
        Scope scope = Scope.saved();
        MDC.put(TENANT, tenant.value());
        return scope;
    }

    /** Adds the query id once it is known, inside a scope opened earlier on this thread (whose close removes it). */
    public static void identify(QueryId id) {
        MDC.put(QUERY_ID, Long.toString(id.value()));
    }

    /** What the thread's logging context held before a scope opened; closing the scope puts it back. */
    public record Scope(@Nullable String queryId, @Nullable String tenant) implements AutoCloseable {

        private static Scope saved() {
            return new Scope(MDC.get(QUERY_ID), MDC.get(TENANT));
        }

        @Override
        public void close() {
            restore(QUERY_ID, queryId);
            restore(TENANT, tenant);
        }

        private static void restore(String key, @Nullable String value) {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        }
    }
}
