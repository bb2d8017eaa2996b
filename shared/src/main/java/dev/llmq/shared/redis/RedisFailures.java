package dev.llmq.shared.redis;

/**
 * Describes a Redis failure for a log line without its command arguments: Redisson puts them in its messages
 * ({@code params: [...]}), and those can be a prompt, an answer or a whole query.
 */
public final class RedisFailures {

    private static final String PARAMS = ", params:";

    private RedisFailures() {}

    /** The exception's type and message, cut before any command arguments. */
    public static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (message == null) {
            return ex.getClass().getSimpleName();
        }
        int params = message.indexOf(PARAMS);
        return ex.getClass().getSimpleName() + ": "
                + (params < 0 ? message : message.substring(0, params) + " (arguments not logged)");
    }
}
