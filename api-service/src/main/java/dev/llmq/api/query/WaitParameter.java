package dev.llmq.api.query;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Parses the {@code wait} parameter of {@code GET /result}: {@code 30s}, {@code 1500ms}, {@code 2m}, or plain seconds. */
final class WaitParameter {

    private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private WaitParameter() {}

    /** The wait to use: the default when absent, at most {@code max}. */
    static Duration parse(@Nullable String text, Duration defaultWait, Duration max) {
        if (text == null) {
            return defaultWait;
        }
        Matcher matcher = FORMAT.matcher(text);
        if (!matcher.matches()) {
            throw new InvalidQueryRequestException(
                    "'wait' must be a non-negative duration such as 30s, 1500ms or 2m; got '" + abbreviate(text) + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration wait = switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
