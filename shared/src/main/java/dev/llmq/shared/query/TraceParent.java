package dev.llmq.shared.query;

import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A W3C Trace Context {@code traceparent} value ({@code 00-<trace id>-<parent span id>-<flags>}) as it travels inside a
 * query on the stream, so that the worker's spans join the trace the api-service started. Only version {@code 00} is
 * written and read; ids must not be all zeros.
 */
public record TraceParent(String value) {

    private static final Pattern FORMAT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String INVALID_TRACE_ID = "0".repeat(32);
    private static final String INVALID_SPAN_ID = "0".repeat(16);

    public TraceParent {
        var matcher = FORMAT.matcher(value);
        if (!matcher.matches()
                || matcher.group(1).equals(INVALID_TRACE_ID)
                || matcher.group(2).equals(INVALID_SPAN_ID)) {
            throw new IllegalArgumentException("not a version 00 W3C traceparent: '" + abbreviated(value) + "'");
        }
    }

    /** The traceparent of a span: its trace id (32 hex digits), its own id (16) and whether the trace is sampled. */
    public static TraceParent of(String traceId, String spanId, boolean sampled) {
        return new TraceParent("00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00"));
    }

    /** The traceparent in {@code value}, or empty if there is none or it is not valid (it is then ignored). */
    public static Optional<TraceParent> parse(@Nullable String value) {
        if (value == null || !FORMAT.matcher(value).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TraceParent(value));
        } catch (IllegalArgumentException ex) {
            return Optional.empty();
        }
    }

    public String traceId() {
        return value.substring(3, 35);
    }

    /** The id of the span that wrote this traceparent: the parent of the spans that continue the trace. */
    public String spanId() {
        return value.substring(36, 52);
    }

    public boolean sampled() {
        return (Integer.parseInt(value.substring(53, 55), 16) & 1) == 1;
    }

    private static String abbreviated(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
