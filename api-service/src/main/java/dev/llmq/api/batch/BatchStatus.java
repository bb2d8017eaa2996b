package dev.llmq.api.batch;

/** A batch's status, named as in OpenAI's Batch API; each has the timestamp field it sets when entered. */
enum BatchStatus {
    VALIDATING("validating", null),
    FAILED("failed", "failed_at"),
    IN_PROGRESS("in_progress", "in_progress_at"),
    FINALIZING("finalizing", "finalizing_at"),
    COMPLETED("completed", "completed_at"),
    EXPIRED("expired", "expired_at"),
    CANCELLING("cancelling", "cancelling_at"),
    CANCELLED("cancelled", "cancelled_at");

    private final String wireName;
    private final String timestampField;

    BatchStatus(String wireName, String timestampField) {
        this.wireName = wireName;
        this.timestampField = timestampField;
    }

    String wireName() {
        return wireName;
    }

    /** The {@code *_at} field recording when the batch entered this status, or null for validating. */
    String timestampField() {
        return timestampField;
    }

    /** Whether the batch still has work: its lines are being submitted, run, collected or cancelled. */
    boolean active() {
        return this == VALIDATING || this == IN_PROGRESS || this == FINALIZING || this == CANCELLING;
    }

    static BatchStatus fromWireName(String name) {
        for (BatchStatus status : values()) {
            if (status.wireName.equals(name)) {
                return status;
            }
        }
        throw new IllegalStateException("unknown batch status in Redis: " + name);
    }
}
