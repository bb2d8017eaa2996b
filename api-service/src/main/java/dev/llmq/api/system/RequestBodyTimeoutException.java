package dev.llmq.api.system;

import java.time.Duration;

/** A client took longer than {@code LLMQ_API_BODY_READ_TIMEOUT} to send its request body; carries the limit. */
public class RequestBodyTimeoutException extends RuntimeException {

    public RequestBodyTimeoutException(Duration limit) {
        super("the request body was not received within " + limit.toMillis() + " ms");
    }
}
