package dev.llmq.simulator.limit;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Enforces the account-wide limits over all clients with a sliding window: a request is admitted when, counting it,
 * the requests and tokens admitted during the last window stay within the limits. Refused requests count for
 * nothing. Nothing is remembered while neither dimension is limited.
 */
@Component
public class AccountLimiter {

    private final InstantSource clock;
    private final Deque<Admitted> admitted = new ArrayDeque<>();
    private RateLimits limits;
    private long tokensInWindow;

    @Autowired
    AccountLimiter(LimitProperties properties) {
        this(properties.toLimits(), InstantSource.system());
    }

    AccountLimiter(RateLimits limits, InstantSource clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** Admits and counts a request costing {@code tokens}, or refuses it when it would exceed a limit. */
    public synchronized Admission admit(long tokens) {
        long now = clock.millis();
        forgetExpired(now);
        Admission.Rejection rejection = check(tokens, now);
        if (rejection == null && !limits.isUnlimited()) {
            admitted.addLast(new Admitted(now, tokens));
            tokensInWindow = saturatedAdd(tokensInWindow, tokens);
        }
        return new Admission(state(now), rejection);
    }

    /** The limits in force. */
    public synchronized RateLimits limits() {
        return limits;
    }

    /** Replaces the limits and starts a fresh window: what was admitted before no longer counts. */
    public synchronized void setLimits(RateLimits limits) {
        this.limits = limits;
        admitted.clear();
        tokensInWindow = 0;
    }

    /** What the headers would report now. */
    public synchronized RateLimitState state() {
        long now = clock.millis();
        forgetExpired(now);
        return state(now);
    }

    private Admission.@Nullable Rejection check(long tokens, long now) {
        Integer maxRequests = limits.requestsPerWindow();
        if (maxRequests != null && admitted.size() >= maxRequests) {
            // room for one more once the oldest (size - limit + 1) admissions have left the window
            long waitMillis = expiryOfNth(admitted.size() - maxRequests, now);
            return new Admission.Rejection(
                    LimitType.REQUESTS, maxRequests, admitted.size(), 1, retryAfterSeconds(waitMillis));
        }
        Long maxTokens = limits.tokensPerWindow();
        if (maxTokens != null && tokens > maxTokens - tokensInWindow) {
            long waitMillis =
                    tokens > maxTokens ? windowMillis() : untilTokensFree(tokensInWindow + tokens - maxTokens, now);
            return new Admission.Rejection(
                    LimitType.TOKENS, maxTokens, tokensInWindow, tokens, retryAfterSeconds(waitMillis));
        }
        return null;
    }

    private long expiryOfNth(int index, long now) {
        Iterator<Admitted> iterator = admitted.iterator();
        for (int i = 0; i < index; i++) {
            iterator.next();
        }
        return iterator.next().at() + windowMillis() - now;
    }

    private long untilTokensFree(long excess, long now) {
        long freed = 0;
        for (Admitted entry : admitted) {
            freed += entry.tokens();
            if (freed >= excess) {
                return entry.at() + windowMillis() - now;
            }
        }
        return windowMillis();
    }

    private RateLimitState state(long now) {
        Duration reset = admitted.isEmpty()
                ? Duration.ZERO
                : Duration.ofMillis(admitted.getLast().at() + windowMillis() - now);
        Integer maxRequests = limits.requestsPerWindow();
        Long maxTokens = limits.tokensPerWindow();
        return new RateLimitState(
                maxRequests == null ? RateLimitState.UNLIMITED : maxRequests,
                maxRequests == null ? RateLimitState.UNLIMITED : Math.max(0, maxRequests - admitted.size()),
                maxRequests == null ? Duration.ZERO : reset,
                maxTokens == null ? RateLimitState.UNLIMITED : maxTokens,
                maxTokens == null ? RateLimitState.UNLIMITED : Math.max(0, maxTokens - tokensInWindow),
                maxTokens == null ? Duration.ZERO : reset);
    }

    private void forgetExpired(long now) {
        while (!admitted.isEmpty() && admitted.getFirst().at() + windowMillis() <= now) {
            tokensInWindow -= admitted.removeFirst().tokens();
        }
    }

    private long windowMillis() {
        return limits.window().toMillis();
    }

    private static long retryAfterSeconds(long waitMillis) {
        return Math.max(1, Math.ceilDiv(waitMillis, 1000));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** One admitted request: when, and the tokens it counts for. */
    private record Admitted(long at, long tokens) {}
}
