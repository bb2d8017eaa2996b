package dev.llmq.shared.redis;

/**
 * Thrown at startup when the Redis settings ({@code REDIS_URL}, {@code LLMQ_REDIS_*}) are missing pieces or contradict
 * each other; the message says what to set and never quotes a password.
 */
public class InvalidRedisSettingsException extends IllegalArgumentException {

    public InvalidRedisSettingsException(String message) {
        super(message);
    }
}
