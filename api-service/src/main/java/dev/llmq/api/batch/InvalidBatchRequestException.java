package dev.llmq.api.batch;

/** A files or batches request that is not valid; its message is shown to the client as is. */
public class InvalidBatchRequestException extends IllegalArgumentException {

    public InvalidBatchRequestException(String message) {
        super(message);
    }
}
