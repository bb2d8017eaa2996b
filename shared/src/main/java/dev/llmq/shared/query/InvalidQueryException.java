package dev.llmq.shared.query;

/** A query that cannot be accepted as given; the message names the field and says what is allowed. */
public class InvalidQueryException extends IllegalArgumentException {

    public InvalidQueryException(String message) {
        super(message);
    }
}
