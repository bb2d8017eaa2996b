package dev.llmq.shared.redis;

import java.util.ArrayList;
import java.util.List;

/** One Redis node (server, Sentinel or cluster seed) as {@code host:port}; IPv6 hosts are written in brackets. */
public record RedisAddress(String host, int port) {

    public RedisAddress {
        if (host.isBlank()) {
            throw new IllegalArgumentException("a Redis address needs a host");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("a Redis port must be between 1 and 65535: " + port);
        }
    }

    /**
     * Parses a comma-separated list such as {@code redis-0:6379,redis-1:6379,[::1]:6380}; {@code defaultPort} applies
     * to entries without one. {@code setting} names the variable in the error.
     */
    public static List<RedisAddress> parseList(String text, int defaultPort, String setting) {
        List<RedisAddress> addresses = new ArrayList<>();
        for (String entry : text.split(",")) {
            if (!entry.isBlank()) {
                addresses.add(parse(entry.trim(), defaultPort, setting));
            }
        }
        if (addresses.isEmpty()) {
            throw new InvalidRedisSettingsException(setting + " names no node: set it like host1:6379,host2:6379");
        }
        return List.copyOf(addresses);
    }

    private static RedisAddress parse(String entry, int defaultPort, String setting) {
        if (entry.contains("://") || entry.contains("@")) {
            throw new InvalidRedisSettingsException(setting + " takes host:port entries, not URLs ('" + entry
                    + "'): set credentials with LLMQ_REDIS_USERNAME/LLMQ_REDIS_PASSWORD and TLS with"
                    + " LLMQ_REDIS_TLS=true");
        }
        String host = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            if (end < 0) {
                throw new InvalidRedisSettingsException(setting + " has an unclosed IPv6 bracket: '" + entry + "'");
            }
            host = entry.substring(1, end);
            port = entry.length() > end + 1 && entry.charAt(end + 1) == ':' ? entry.substring(end + 2) : null;
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            host = entry.substring(0, entry.indexOf(':'));
            port = entry.substring(entry.indexOf(':') + 1);
        }
        try {
            return new RedisAddress(host, port == null ? defaultPort : Integer.parseInt(port));
        } catch (IllegalArgumentException ex) {
            throw new InvalidRedisSettingsException(
                    setting + " has an unusable entry '" + entry + "': set it like host1:6379,host2:6379");
        }
    }

    /** The address in the form Redisson takes. */
    public String uri(boolean tls) {
        return (tls ? "rediss://" : "redis://") + this;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
