package dev.llmq.api.access;

import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/** Why the access filter turns a request away: the problem it answers with and the headers that go with it. */
record Refusal(HttpStatus status, String title, String detail, Map<String, String> headers) {

    Refusal {
        headers = Map.copyOf(headers);
    }

    /** 401: no usable key; {@code error} is the RFC 6750 error code, empty when no key was offered. */
    static Refusal unauthenticated(String detail, String error) {
        String challenge = error.isEmpty() ? "Bearer realm=\"llmq\"" : "Bearer realm=\"llmq\", error=\"" + error + "\"";
        return new Refusal(
                HttpStatus.UNAUTHORIZED, "API key required", detail, Map.of(HttpHeaders.WWW_AUTHENTICATE, challenge));
    }

    static Refusal forbidden(String title, String detail) {
        return new Refusal(HttpStatus.FORBIDDEN, title, detail, Map.of());
    }

    static Refusal tooManyRequests(Duration retryAfter, int requestsPerMinute) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new Refusal(
                HttpStatus.TOO_MANY_REQUESTS,
                "Too many requests",
                "this tenant may make " + requestsPerMinute + " requests per minute; retry in " + seconds + "s",
                Map.of(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
    }

    static Refusal unavailable() {
        return new Refusal(
                HttpStatus.SERVICE_UNAVAILABLE,
                "Key store unavailable",
                "llmq cannot reach Redis to check the API key right now; nothing was done. Retry shortly.",
                Map.of(HttpHeaders.RETRY_AFTER, "1"));
    }
}
