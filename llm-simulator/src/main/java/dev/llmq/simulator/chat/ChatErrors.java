package dev.llmq.simulator.chat;

import dev.llmq.simulator.error.OpenAiApiException;
import dev.llmq.simulator.fault.Fault;
import dev.llmq.simulator.limit.Admission;
import dev.llmq.simulator.limit.LimitType;
import dev.llmq.simulator.limit.RateLimitState;
import dev.llmq.simulator.limit.RateLimits;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The 429 and 5xx errors of chat completions, worded and headed like OpenAI's. */
final class ChatErrors {

    private ChatErrors() {}

    /** The 429 of a request over the account-wide limits, with Retry-After and the x-ratelimit headers. */
    static OpenAiApiException rateLimited(
            String model, Admission.Rejection rejection, RateLimitState state, RateLimits limits) {
        String per = rejection.type().wireName() + " per " + limits.windowText();
        String message = rejection.tooLarge()
                ? "Request too large for " + model + " on " + per + ": Limit " + rejection.limit() + ", Requested "
                        + rejection.requested() + ". The input or output tokens must be reduced in order to run"
                        + " successfully."
                : "Rate limit reached for " + model + " on " + per + ": Limit " + rejection.limit() + ", Used "
                        + rejection.used() + ", Requested " + rejection.requested() + ". Please try again in "
                        + rejection.retryAfterSeconds() + "s.";
        return OpenAiApiException.rateLimited(
                message, rejection.type().wireName(), headers(rejection.retryAfterSeconds(), state));
    }

    /** The 429 of the {@code 429} fault: the dimension it names is reported used up until Retry-After. */
    static OpenAiApiException injectedRateLimit(String model, Fault.RateLimited fault, RateLimitState state) {
        RateLimitState exhausted =
                state.exhausted(LimitType.of(fault.type()), Duration.ofSeconds(fault.retryAfterSeconds()));
        String message = "Rate limit reached for " + model + " on " + fault.type() + " (simulated fault). Please try"
                + " again in " + fault.retryAfterSeconds() + "s.";
        return OpenAiApiException.rateLimited(message, fault.type(), headers(fault.retryAfterSeconds(), exhausted));
    }

    /** The 5xx of a server error fault, with the x-ratelimit headers. */
    static OpenAiApiException serverError(Fault.ServerError fault, RateLimitState state) {
        String message = switch (fault.status()) {
            case 500 -> "The server had an error while processing your request. Sorry about that!";
            case 502 -> "Bad gateway.";
            case 503 -> "The engine is currently overloaded, please try again later.";
            case 504 -> "Gateway timeout.";
            default -> "The server had an error (simulated " + fault.status() + ").";
        };
        return OpenAiApiException.serverError(fault.status(), message, state.headers());
    }

    private static Map<String, String> headers(long retryAfterSeconds, RateLimitState state) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(retryAfterSeconds));
        headers.putAll(state.headers());
        return headers;
    }
}
