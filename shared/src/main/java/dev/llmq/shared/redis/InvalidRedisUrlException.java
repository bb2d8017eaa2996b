package dev.llmq.shared.redis;

/** Thrown at startup when {@code REDIS_URL} cannot be used; says what to set, never echoes a password. */
public class InvalidRedisUrlException extends IllegalArgumentException {

    public InvalidRedisUrlException(String url, String reason) {
        super("REDIS_URL is not usable (" + reason
                + "): set it like redis://[:password@]host:6379[/db] or rediss://… for TLS"
                + (url.contains("@") ? "" : "; got '" + url + "'"));
    }
}
