package dev.llmq.shared.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where Redis is and how to talk to it, parsed from a {@code redis://} or {@code rediss://} (TLS) URL such as
 * {@code redis://:secret@redis.internal:6379/0}. {@link #toString()} never shows the password.
 */
public record RedisSettings(
        boolean tls,
        String host,
        int port,
        @Nullable String username,
        @Nullable String password,
        int database,
        Duration commandTimeout,
        int connectionPoolSize,
        String clientName) {

    public static final String DEFAULT_URL = "redis://localhost:6379";

    public RedisSettings {
        if (host.isBlank()) {
            throw new InvalidRedisUrlException(host, "no host");
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("the Redis command timeout must be positive: " + commandTimeout);
        }
        if (connectionPoolSize < 2) {
            throw new IllegalArgumentException("the Redis connection pool needs at least 2 connections");
        }
    }

    /** Parses {@code REDIS_URL}; the timeout bounds every command so that a lost Redis fails fast instead of hanging. */
    public static RedisSettings fromUrl(
            String url, Duration commandTimeout, int connectionPoolSize, String clientName) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException ex) {
            throw new InvalidRedisUrlException(url, ex.getReason());
        }
        String scheme = uri.getScheme();
        if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
            throw new InvalidRedisUrlException(url, "the scheme must be redis:// or rediss://");
        }
        if (uri.getHost() == null) {
            throw new InvalidRedisUrlException(url, "no host");
        }
        String username = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            username = parts[0].isEmpty() ? null : decode(parts[0]);
            password = parts.length == 2 ? decode(parts[1]) : null;
        }
        return new RedisSettings(
                "rediss".equals(scheme),
                uri.getHost(),
                uri.getPort() == -1 ? 6379 : uri.getPort(),
                username,
                password,
                database(url, uri.getPath()),
                commandTimeout,
                connectionPoolSize,
                clientName);
    }

    /** The address in the form Redisson takes. */
    public String address() {
        return (tls ? "rediss://" : "redis://") + hostAndPort();
    }

    private String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        String credentials = username == null && password == null ? "" : (username == null ? "" : username) + ":***@";
        return (tls ? "rediss://" : "redis://") + credentials + hostAndPort() + "/" + database;
    }

    private static int database(String url, @Nullable String path) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException ex) {
            throw new InvalidRedisUrlException(url, "the path must be a database number");
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
