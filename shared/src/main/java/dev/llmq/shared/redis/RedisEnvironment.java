package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Redis settings exactly as an operator gave them, before they are checked against each other: {@code REDIS_URL}
 * for one server, {@code LLMQ_REDIS_SENTINEL_NODES} + {@code LLMQ_REDIS_SENTINEL_MASTER} for Sentinel, or {@code
 * LLMQ_REDIS_CLUSTER_NODES} for a Redis Cluster; credentials, TLS and database apply to every node. Blank means unset;
 * nothing set means a single server at {@value RedisSettings#DEFAULT_URL}.
 */
public record RedisEnvironment(
        @Nullable String url,
        @Nullable String clusterNodes,
        @Nullable String sentinelNodes,
        @Nullable String sentinelMaster,
        @Nullable String username,
        @Nullable String password,
        @Nullable String sentinelPassword,
        @Nullable Boolean tls,
        @Nullable Integer database) {

    private static final String CHOOSE_ONE = "set only one of REDIS_URL (one server), LLMQ_REDIS_SENTINEL_NODES"
            + " with LLMQ_REDIS_SENTINEL_MASTER (Sentinel) or LLMQ_REDIS_CLUSTER_NODES (Redis Cluster)";

    public RedisEnvironment {
        url = blankToNull(url);
        clusterNodes = blankToNull(clusterNodes);
        sentinelNodes = blankToNull(sentinelNodes);
        sentinelMaster = blankToNull(sentinelMaster);
        username = blankToNull(username);
        password = blankToNull(password);
        sentinelPassword = blankToNull(sentinelPassword);
    }

    /** Only {@code REDIS_URL}: one server. */
    public static RedisEnvironment ofUrl(String url) {
        return new RedisEnvironment(url, null, null, null, null, null, null, null, null);
    }

    /** Checks the settings against each other and builds the client settings; errors say what to set. */
    public RedisSettings resolve(Duration commandTimeout, int connectionPoolSize, String clientName) {
        List<String> topologies = new ArrayList<>();
        if (url != null) {
            topologies.add("REDIS_URL");
        }
        if (sentinelNodes != null) {
            topologies.add("LLMQ_REDIS_SENTINEL_NODES");
        }
        if (clusterNodes != null) {
            topologies.add("LLMQ_REDIS_CLUSTER_NODES");
        }
        if (topologies.size() > 1) {
            throw new InvalidRedisSettingsException(
                    String.join(" and ", topologies) + " are set together: " + CHOOSE_ONE);
        }
        if (sentinelMaster != null && sentinelNodes == null) {
            throw new InvalidRedisSettingsException(
                    "LLMQ_REDIS_SENTINEL_MASTER is set without LLMQ_REDIS_SENTINEL_NODES: set both for Sentinel");
        }
        if (sentinelNodes != null) {
            RedisTopology.Sentinel sentinel = new RedisTopology.Sentinel(
                    RedisAddress.parseList(sentinelNodes, 26379, "LLMQ_REDIS_SENTINEL_NODES"),
                    sentinelMaster == null ? "" : sentinelMaster,
                    database == null ? 0 : database);
            return shared(sentinel, commandTimeout, connectionPoolSize, clientName);
        }
        if (clusterNodes != null) {
            if (database != null && database != 0) {
                throw new InvalidRedisSettingsException(
                        "a Redis Cluster has only database 0: unset LLMQ_REDIS_DATABASE or set it to 0");
            }
            RedisTopology.Cluster cluster =
                    new RedisTopology.Cluster(RedisAddress.parseList(clusterNodes, 6379, "LLMQ_REDIS_CLUSTER_NODES"));
            return shared(cluster, commandTimeout, connectionPoolSize, clientName);
        }
        return single(commandTimeout, connectionPoolSize, clientName);
    }

    private RedisSettings shared(
            RedisTopology topology, Duration commandTimeout, int connectionPoolSize, String clientName) {
        return new RedisSettings(
                topology,
                tls != null && tls,
                username,
                password,
                sentinelPassword,
                commandTimeout,
                connectionPoolSize,
                clientName);
    }

    /** One server: the URL says everything but may leave the password (and user) to {@code LLMQ_REDIS_PASSWORD}. */
    private RedisSettings single(Duration commandTimeout, int connectionPoolSize, String clientName) {
        if (tls != null) {
            throw new InvalidRedisSettingsException(
                    "LLMQ_REDIS_TLS is for Sentinel and Cluster: with REDIS_URL choose TLS by its scheme, rediss://");
        }
        if (database != null) {
            throw new InvalidRedisSettingsException(
                    "LLMQ_REDIS_DATABASE is for Sentinel: with REDIS_URL put the database in its path, e.g. /2");
        }
        RedisSettings fromUrl = RedisSettings.fromUrl(
                url == null ? RedisSettings.DEFAULT_URL : url, commandTimeout, connectionPoolSize, clientName);
        if ((password != null && fromUrl.password() != null) || (username != null && fromUrl.username() != null)) {
            throw new InvalidRedisSettingsException("REDIS_URL carries credentials and LLMQ_REDIS_USERNAME or"
                    + " LLMQ_REDIS_PASSWORD is set too: give them in one place only");
        }
        return new RedisSettings(
                fromUrl.topology(),
                fromUrl.tls(),
                username != null ? username : fromUrl.username(),
                password != null ? password : fromUrl.password(),
                sentinelPassword,
                commandTimeout,
                connectionPoolSize,
                clientName);
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }

    @Override
    public String toString() {
        return "RedisEnvironment[url=" + (url == null ? null : "(set)") + ", clusterNodes=" + clusterNodes
                + ", sentinelNodes=" + sentinelNodes + ", sentinelMaster=" + sentinelMaster + ", username=" + username
                + ", password=" + (password == null ? null : "***") + ", sentinelPassword="
                + (sentinelPassword == null ? null : "***") + ", tls=" + tls + ", database=" + database + "]";
    }
}
