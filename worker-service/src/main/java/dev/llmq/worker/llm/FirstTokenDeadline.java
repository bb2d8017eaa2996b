package dev.llmq.worker.llm;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The deadline for an LLM call's first token, kept by the virtual thread that makes the call: if no token arrived in
 * time, one shared timer thread interrupts the caller, and a virtual thread interrupted while blocked on a socket has
 * that socket closed (the provider sees the client disconnect) and unwinds the call itself, since okhttp's sources
 * must not be closed from another thread. A second thread per call, waiting on the first, is not needed for this.
 *
 * <p>{@link #close()} ends the watch and clears the interrupt the timer sent, so that it reaches nothing the thread
 * does after the call. An interrupt from elsewhere (the query's cancellation, shutdown) is left alone, unless it came
 * at the very moment the deadline passed: the call then ends as a timed-out one, whose failure is retried.
 */
final class FirstTokenDeadline implements AutoCloseable {

    /**
     * One daemon thread for every call's deadline; a deadline that is met is removed from its queue at once, so the
     * queue holds only the calls still waiting for their first token (thousands when a slow provider has them all).
     */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private enum State {
        WAITING,
        ARRIVED,
        EXPIRED,
        CLOSED
    }

    private final Thread caller;
    private final ScheduledFuture<?> expiry;
    private State state = State.WAITING;

    private FirstTokenDeadline(Thread caller, Duration timeout) {
        this.caller = caller;
        this.expiry = TIMER.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts the watch for the current thread's call. */
    static FirstTokenDeadline start(Duration timeout) {
        return new FirstTokenDeadline(Thread.currentThread(), timeout);
    }

    /** The first token arrived: the deadline is met (unless it had passed already). */
    synchronized void arrived() {
        if (state == State.WAITING) {
            state = State.ARRIVED;
            expiry.cancel(false);
        }
    }

    /** Whether the deadline passed before the first token (the call was, or is about to be, cut off). */
    synchronized boolean expired() {
        return state == State.EXPIRED;
    }

    private synchronized void expire() {
        if (state == State.WAITING) {
            state = State.EXPIRED;
            caller.interrupt();
        }
    }

    /** Ends the watch; the caller's thread calls it once its call ended, however it ended. */
    @Override
    public synchronized void close() {
        expiry.cancel(false);
        if (state == State.EXPIRED) {
            // the timer's interrupt was for the call only (and is sent under this lock, so it has landed by now)
            Thread.interrupted();
        } else if (state == State.WAITING) {
            // the call ended without a token: a timer that fires now finds nothing to cut off
            state = State.CLOSED;
        }
    }

    /** How many calls' deadlines the timer holds: the calls still waiting for their first token. */
    static int waiting() {
        return TIMER.getQueue().size();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "llm-first-token-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
