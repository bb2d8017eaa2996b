package dev.llmq.api.query;

/** This replica is working on as many requests as it may ({@link Admission}); nothing was done for this one. */
public final class OverloadedException extends RuntimeException {

    public OverloadedException() {
        super("this llmq replica is serving as many requests as it can; nothing was done for this one. Retry shortly"
                + " (another replica may have room).");
    }
}
