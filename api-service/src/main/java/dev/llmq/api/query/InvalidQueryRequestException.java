package dev.llmq.api.query;

/** A request that is well-formed JSON but not a valid query; its message is shown to the client as is. */
public class InvalidQueryRequestException extends IllegalArgumentException {

    public InvalidQueryRequestException(String message) {
        super(message);
    }
}
