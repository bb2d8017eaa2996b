package dev.llmq.shared.query;

/** Why a query failed: a stable machine-readable {@code code} and a human-readable {@code message}. */
public record QueryError(String code, String message) {

    /** The LLM provider rejected or failed the call. */
    public static final String LLM_ERROR = "llm_error";

    /** The query was delivered to workers more often than allowed (each delivery died or was abandoned). */
    public static final String DELIVERY_ATTEMPTS_EXCEEDED = "delivery_attempts_exceeded";

    /** The query could not be answered before its deadline (retries and waits for provider budget included). */
    public static final String DEADLINE_EXCEEDED = "deadline_exceeded";

    /** The stream entry could not be decoded into a query. */
    public static final String MALFORMED_QUERY = "malformed_query";

    public QueryError {
        if (code.isBlank()) {
            throw new IllegalArgumentException("an error code must not be blank");
        }
    }
}
