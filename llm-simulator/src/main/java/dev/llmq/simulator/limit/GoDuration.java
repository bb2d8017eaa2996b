package dev.llmq.simulator.limit;

import java.math.BigDecimal;
import java.time.Duration;

/** Writes durations as OpenAI's {@code x-ratelimit-reset-*} headers do (Go's format): {@code 0s}, {@code 120ms}, {@code 1.5s}, {@code 6m0s}. */
final class GoDuration {

    private GoDuration() {}

    static String format(Duration duration) {
        long millis = duration.isNegative() ? 0 : duration.toMillis();
        if (millis == 0) {
            return duration.isPositive() ? "1ms" : "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        String seconds =
                BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString() + "s";
        if (hours > 0) {
            return hours + "h" + minutes + "m" + seconds;
        }
        return minutes > 0 ? minutes + "m" + seconds : seconds;
    }
}
