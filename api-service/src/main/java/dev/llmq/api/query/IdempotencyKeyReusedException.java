package dev.llmq.api.query;

/** An {@code Idempotency-Key} already used, within its window, for a request with a different body. */
public class IdempotencyKeyReusedException extends RuntimeException {

    public IdempotencyKeyReusedException() {
        super("this Idempotency-Key was already used for a different request; use a new key for a new request");
    }
}
