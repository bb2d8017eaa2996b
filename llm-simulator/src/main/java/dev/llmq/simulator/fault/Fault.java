package dev.llmq.simulator.fault;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * One misbehaviour the simulator injects into a reply, written {@code <name>[;<param>=<value>...]} and read by
 * {@link #parse}; {@link #spec()} writes it back with every parameter at its effective value.
 */
public sealed interface Fault {

    /** The fault's name, e.g. {@code 429} or {@code cut-stream}: the request log's outcome is {@code fault:<name>}. */
    String name();

    /** The canonical text of the fault: its name and all its parameters, e.g. {@code 429;retry-after=1;type=requests}. */
    String spec();

    /** Reads a fault in the grammar of the module's README; throws {@link InvalidFaultException} when it is not one. */
    static Fault parse(String spec) {
        return FaultParser.parse(spec);
    }

    /** No fault: a normal reply, even when a run-wide rule would have picked one. */
    record None() implements Fault {

        @Override
        public String name() {
            return "none";
        }

        @Override
        public String spec() {
            return name();
        }
    }

    /** A 429 {@code rate_limit_exceeded}, its {@code type} the exhausted limit: {@code requests} or {@code tokens}. */
    record RateLimited(long retryAfterSeconds, String type) implements Fault {

        @Override
        public String name() {
            return "429";
        }

        @Override
        public String spec() {
            return name() + ";retry-after=" + retryAfterSeconds + ";type=" + type;
        }
    }

    /** A 5xx status with an OpenAI {@code server_error} body. */
    record ServerError(int status) implements Fault {

        @Override
        public String name() {
            return Integer.toString(status);
        }

        @Override
        public String spec() {
            return name();
        }
    }

    /** The connection is closed without any response. */
    record Reset() implements Fault {

        @Override
        public String name() {
            return "reset";
        }

        @Override
        public String spec() {
            return name();
        }
    }

    /** Nothing at all, not even the status line, is sent for {@code duration}; then the reply goes on normally. */
    record StallBeforeFirstByte(Duration duration) implements Fault {

        @Override
        public String name() {
            return "stall-before-first-byte";
        }

        @Override
        public String spec() {
            return name() + ";seconds=" + seconds(duration);
        }
    }

    /**
     * Nothing at all is sent until the run-wide rules are removed ({@code DELETE /simulator/faults}), which releases
     * every held reply at once, or until {@code most} has passed; then the reply goes on normally.
     */
    record Hold(Duration most) implements Fault {

        @Override
        public String name() {
            return "hold";
        }

        @Override
        public String spec() {
            return name() + ";seconds=" + seconds(most);
        }
    }

    /** The reply stops for {@code duration} after {@code afterTokens} tokens (mid-body when not streamed), then goes on. */
    record StallMidStream(int afterTokens, Duration duration) implements Fault {

        @Override
        public String name() {
            return "stall-mid-stream";
        }

        @Override
        public String spec() {
            return name() + ";after-tokens=" + afterTokens + ";seconds=" + seconds(duration);
        }
    }

    /** The connection is closed after {@code afterTokens} tokens (mid-body when not streamed): no finish, no [DONE]. */
    record CutStream(int afterTokens) implements Fault {

        @Override
        public String name() {
            return "cut-stream";
        }

        @Override
        public String spec() {
            return name() + ";after-tokens=" + afterTokens;
        }
    }

    /** A 200 whose body (or streamed chunk) is not valid JSON. */
    record MalformedJson() implements Fault {

        @Override
        public String name() {
            return "malformed-json";
        }

        @Override
        public String spec() {
            return name();
        }
    }

    /** A normal reply, but with {@code perToken} instead of the configured per-token delay. */
    record SlowStream(Duration perToken) implements Fault {

        @Override
        public String name() {
            return "slow-stream";
        }

        @Override
        public String spec() {
            return name() + ";per-token=" + perToken.toMillis() + "ms";
        }
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
