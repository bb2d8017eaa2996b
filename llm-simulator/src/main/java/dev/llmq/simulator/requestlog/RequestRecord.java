package dev.llmq.simulator.requestlog;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The live entry of one request in the {@link RequestLog}, filled in by the reply as it goes; thread-safe. */
public final class RequestRecord {

    private final long sequence;
    private final Instant arrivedAt;
    private @Nullable String model;
    private @Nullable String lastUserMessage;
    private boolean stream;
    private String outcome = LoggedRequest.PENDING;
    private @Nullable String fault;
    private @Nullable Integer statusCode;
    private int completionTokens;
    private boolean clientDisconnected;
    private boolean completed;

    RequestRecord(long sequence, Instant arrivedAt) {
        this.sequence = sequence;
        this.arrivedAt = arrivedAt;
    }

    /** Records what the request asked for, once its body is read. */
    public synchronized void describe(String model, String lastUserMessage, boolean stream) {
        this.model = model;
        this.lastUserMessage = lastUserMessage;
        this.stream = stream;
    }

    /** Records how the simulator answers: the outcome, the injected fault's spec and the status ({@code null}: none). */
    public synchronized void answer(String outcome, @Nullable String fault, @Nullable Integer statusCode) {
        this.outcome = outcome;
        this.fault = fault;
        this.statusCode = statusCode;
    }

    /** Counts one more streamed completion token sent. */
    public synchronized void tokenSent() {
        completionTokens++;
    }

    /** Records the completion tokens of a body sent whole. */
    public synchronized void tokensSent(int tokens) {
        completionTokens = tokens;
    }

    /** Records that the client went away before the response was finished, which ends the request. */
    public synchronized void clientDisconnected() {
        clientDisconnected = true;
        completed = true;
    }

    /** Records that the simulator is done with the request. */
    public synchronized void complete() {
        completed = true;
    }

    synchronized LoggedRequest snapshot() {
        return new LoggedRequest(
                sequence,
                arrivedAt.toEpochMilli(),
                arrivedAt,
                model,
                lastUserMessage,
                stream,
                outcome,
                fault,
                statusCode,
                completionTokens,
                clientDisconnected,
                completed);
    }
}
