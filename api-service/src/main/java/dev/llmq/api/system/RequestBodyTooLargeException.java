package dev.llmq.api.system;

/** A request body exceeded {@code LLMQ_API_MAX_BODY_SIZE}; carries the limit. */
public class RequestBodyTooLargeException extends RuntimeException {

    public RequestBodyTooLargeException(long limitBytes) {
        super("the request body exceeds the limit of " + limitBytes + " bytes");
    }
}
