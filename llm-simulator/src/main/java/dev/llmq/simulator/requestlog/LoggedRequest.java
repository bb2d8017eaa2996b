package dev.llmq.simulator.requestlog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One chat completion request as the simulator saw it; {@code model}, {@code lastUserMessage} are {@code null} when
 * the body could not be read, {@code statusCode} when no response was sent at all ({@code fault:reset}).
 *
 * @param sequence the arrival number, from 1, never reused (not even after the log is cleared)
 * @param outcome {@value #OK}, {@code fault:<name>}, {@value #RATE_LIMITED}, {@value #REJECTED} (a 400 or 404), or
 *     {@value #PENDING} until the simulator has decided
 * @param fault the injected fault in its canonical spec, if any
 * @param completionTokens the completion tokens delivered: streamed chunks sent, or the tokens of a body sent whole
 * @param clientDisconnected whether the client closed the connection before the response was finished
 * @param completed whether the simulator is done with the request
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({
    "sequence",
    "arrived_at_epoch_millis",
    "arrived_at",
    "model",
    "last_user_message",
    "stream",
    "outcome",
    "fault",
    "status_code",
    "completion_tokens",
    "client_disconnected",
    "completed"
})
public record LoggedRequest(
        long sequence,
        @JsonProperty("arrived_at_epoch_millis") long arrivedAtEpochMillis,
        @JsonProperty("arrived_at") Instant arrivedAt,
        @Nullable String model,
        @JsonProperty("last_user_message") @Nullable String lastUserMessage,
        boolean stream,
        String outcome,
        @Nullable String fault,
        @JsonProperty("status_code") @Nullable Integer statusCode,
        @JsonProperty("completion_tokens") int completionTokens,
        @JsonProperty("client_disconnected") boolean clientDisconnected,
        boolean completed) {

    /** Answered normally. */
    public static final String OK = "ok";

    /** Refused by the account-wide limits with a 429. */
    public static final String RATE_LIMITED = "rate_limited";

    /** Refused as invalid: a 400 (bad body, bad fault spec) or a 404 (unknown model). */
    public static final String REJECTED = "rejected";

    /** Not decided yet. */
    public static final String PENDING = "pending";

    /** The outcome of a request that got the fault named {@code name}, e.g. {@code fault:503}. */
    public static String fault(String name) {
        return "fault:" + name;
    }
}
