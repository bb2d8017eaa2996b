package dev.llmq.api.batch;

/** No file or batch with this id belongs to the caller (never created, expired, deleted, or another tenant's). */
public class BatchObjectNotFoundException extends RuntimeException {

    public BatchObjectNotFoundException(String kind, String id) {
        super("No such " + kind + ": " + id);
    }
}
