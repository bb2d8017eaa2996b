package dev.llmq.shared.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Where Redis is and how to talk to it: the {@link RedisTopology} (one server, Sentinel or Cluster), TLS, credentials
 * (the same for every node) and client limits. {@link #toString()} never shows a password.
 *
 * @param sentinelPassword the Sentinels' own password, when they have one (Sentinel topology only)
 */
public record RedisSettings(
        RedisTopology topology,
        boolean tls,
        @Nullable String username,
        @Nullable String password,
        @Nullable String sentinelPassword,
        Duration commandTimeout,
        int connectionPoolSize,
        String clientName) {

    public static final String DEFAULT_URL = "redis://localhost:6379";

    public RedisSettings {
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("the Redis command timeout must be positive: " + commandTimeout);
        }
        if (connectionPoolSize < 2) {
            throw new IllegalArgumentException("the Redis connection pool needs at least 2 connections");
        }
        if (sentinelPassword != null && !(topology instanceof RedisTopology.Sentinel)) {
            throw new InvalidRedisSettingsException(
                    "LLMQ_REDIS_SENTINEL_PASSWORD is only for LLMQ_REDIS_SENTINEL_NODES: unset it");
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
        RedisAddress server;
        try {
            server = new RedisAddress(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort());
        } catch (IllegalArgumentException ex) {
            throw new InvalidRedisUrlException(url, ex.getMessage());
        }
        return new RedisSettings(
                new RedisTopology.SingleServer(server, database(url, uri.getPath())),
                "rediss".equals(scheme),
                username,
                password,
                null,
                commandTimeout,
                connectionPoolSize,
                clientName);
    }

    @Override
    public String toString() {
        String security = (tls ? "TLS" : "no TLS")
                + (password == null ? ", no password" : ", password set")
                + (username == null ? "" : ", user " + username);
        return switch (topology) {
            case RedisTopology.SingleServer single -> {
                String credentials =
                        username == null && password == null ? "" : (username == null ? "" : username) + ":***@";
                yield (tls ? "rediss://" : "redis://") + credentials + single.server() + "/" + single.database();
            }
            case RedisTopology.Sentinel sentinel ->
                "primary '" + sentinel.masterName() + "' via Sentinels " + join(sentinel.sentinels()) + ", database "
                        + sentinel.database() + " (" + security
                        + (sentinelPassword == null ? "" : ", Sentinel password set") + ")";
            case RedisTopology.Cluster cluster -> "cluster seeded by " + join(cluster.seeds()) + " (" + security + ")";
        };
    }

    private static String join(List<RedisAddress> addresses) {
        return addresses.stream().map(RedisAddress::toString).collect(Collectors.joining(","));
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
