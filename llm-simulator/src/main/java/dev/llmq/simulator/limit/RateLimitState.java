package dev.llmq.simulator.limit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@code x-ratelimit-*} headers report: per dimension the limit, what remains of it and the time until it
 * is whole again. An unlimited dimension reports {@value #UNLIMITED} for both and a reset of {@code 0s}.
 */
public record RateLimitState(
        long limitRequests,
        long remainingRequests,
        Duration resetRequests,
        long limitTokens,
        long remainingTokens,
        Duration resetTokens) {

    /** The limit and remaining amount reported for an unlimited dimension. */
    public static final long UNLIMITED = Integer.MAX_VALUE;

    /** This state with {@code type} reported as used up until {@code reset}: what an injected 429 reports. */
    public RateLimitState exhausted(LimitType type, Duration reset) {
        return switch (type) {
            case REQUESTS -> new RateLimitState(limitRequests, 0, reset, limitTokens, remainingTokens, resetTokens);
            case TOKENS -> new RateLimitState(limitRequests, remainingRequests, resetRequests, limitTokens, 0, reset);
        };
    }

    /** The six headers in OpenAI's format, e.g. {@code x-ratelimit-reset-requests: 1.5s}. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", Long.toString(limitRequests));
        headers.put("x-ratelimit-remaining-requests", Long.toString(remainingRequests));
        headers.put("x-ratelimit-reset-requests", GoDuration.format(resetRequests));
        headers.put("x-ratelimit-limit-tokens", Long.toString(limitTokens));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(remainingTokens));
        headers.put("x-ratelimit-reset-tokens", GoDuration.format(resetTokens));
        return headers;
    }
}
