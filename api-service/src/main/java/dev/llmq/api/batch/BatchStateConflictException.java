package dev.llmq.api.batch;

/** The batch is in a status that does not allow the request (such as cancelling a completed batch). */
public class BatchStateConflictException extends RuntimeException {

    public BatchStateConflictException(String message) {
        super(message);
    }
}
