package dev.llmq.simulator.fault;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * Reads {@code <name>[;<key>=<value>...]}: names and keys are case-insensitive, whitespace around every piece is
 * ignored, each fault takes only its own parameters, each at most once.
 */
final class FaultParser {

    private static final long MAX_SECONDS = 86_400;

    private final String spec;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Set<String> allowed = new TreeSet<>();

    private FaultParser(String spec) {
        this.spec = spec;
    }

    static Fault parse(String spec) {
        return new FaultParser(spec).parse();
    }

    private Fault parse() {
        String[] parts = spec.split(";", -1);
        String name = parts[0].strip().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            readParam(parts[i]);
        }
        Fault fault = switch (name) {
            case "none" -> new Fault.None();
            case "429" ->
                new Fault.RateLimited(wholeSeconds("retry-after", 1), oneOf("type", "requests", "requests", "tokens"));
            case "reset" -> new Fault.Reset();
            case "stall-before-first-byte" -> new Fault.StallBeforeFirstByte(seconds("seconds", 30));
            case "hold" -> new Fault.Hold(seconds("seconds", 600));
            case "stall-mid-stream" -> new Fault.StallMidStream(count("after-tokens", 1), seconds("seconds", 30));
            case "cut-stream" -> new Fault.CutStream(count("after-tokens", 1));
            case "malformed-json" -> new Fault.MalformedJson();
            case "slow-stream" -> new Fault.SlowStream(duration("per-token", Duration.ofMillis(500)));
            case "" -> throw invalid("the fault name is missing");
            default -> serverError(name);
        };
        for (String key : params.keySet()) {
            if (!allowed.contains(key)) {
                throw invalid("unknown parameter '" + key + "' for " + name
                        + (allowed.isEmpty()
                                ? ", which takes none"
                                : " (it takes " + String.join(", ", allowed) + ")"));
            }
        }
        return fault;
    }

    private void readParam(String part) {
        int equals = part.indexOf('=');
        if (equals < 0) {
            throw invalid("'" + part.strip() + "' is not a key=value parameter");
        }
        String key = part.substring(0, equals).strip().toLowerCase(Locale.ROOT);
        if (key.isEmpty()) {
            throw invalid("a parameter has no key");
        }
        if (params.put(key, part.substring(equals + 1).strip()) != null) {
            throw invalid("parameter '" + key + "' is given twice");
        }
    }

    private Fault serverError(String name) {
        if (name.matches("5\\d\\d")) {
            return new Fault.ServerError(Integer.parseInt(name));
        }
        throw invalid("unknown fault '" + name + "' (expected 429, 500..599, reset, stall-before-first-byte,"
                + " hold, stall-mid-stream, cut-stream, malformed-json, slow-stream or none)");
    }

    private @Nullable String param(String key) {
        allowed.add(key);
        return params.get(key);
    }

    private long wholeSeconds(String key, long fallback) {
        String value = param(key);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("\\d{1,9}") || Long.parseLong(value) > MAX_SECONDS) {
            throw invalid(key + " must be whole seconds from 0 to " + MAX_SECONDS + ", got '" + value + "'");
        }
        return Long.parseLong(value);
    }

    private Duration seconds(String key, long fallback) {
        String value = param(key);
        if (value == null) {
            return Duration.ofSeconds(fallback);
        }
        try {
            BigDecimal seconds = new BigDecimal(value);
            if (seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) <= 0) {
                Duration duration = Duration.ofMillis(seconds.movePointRight(3).longValue());
                if (duration.isPositive()) {
                    return duration;
                }
            }
        } catch (NumberFormatException ex) {
            // reported below
        }
        throw invalid(key + " must be a number of seconds from 0.001 to " + MAX_SECONDS + ", got '" + value + "'");
    }

    private Duration duration(String key, Duration fallback) {
        String value = param(key);
        if (value == null) {
            return fallback;
        }
        try {
            Duration duration = DurationStyle.detectAndParse(value, ChronoUnit.MILLIS);
            if (!duration.isNegative() && duration.compareTo(Duration.ofSeconds(MAX_SECONDS)) <= 0) {
                return duration;
            }
        } catch (IllegalArgumentException ex) {
            // reported below
        }
        throw invalid(
                key + " must be a duration such as 500ms or 2s (a bare number is milliseconds), got '" + value + "'");
    }

    private int count(String key, int fallback) {
        String value = param(key);
        if (value == null) {
            return fallback;
        }
        if (!value.matches("\\d{1,9}")) {
            throw invalid(key + " must be a whole number from 0, got '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    private String oneOf(String key, String fallback, String... choices) {
        String value = param(key);
        if (value == null) {
            return fallback;
        }
        String lower = value.toLowerCase(Locale.ROOT);
        for (String choice : choices) {
            if (choice.equals(lower)) {
                return choice;
            }
        }
        throw invalid(key + " must be one of " + String.join(", ", choices) + ", got '" + value + "'");
    }

    private InvalidFaultException invalid(String problem) {
        return new InvalidFaultException(spec, problem);
    }
}
