package dev.llmq.shared.redis;

import java.util.List;

/** Which kind of Redis deployment llmq talks to: one server, a primary found through Sentinel, or a Redis Cluster. */
public sealed interface RedisTopology {

    /** A name for the startup log and the docs: {@code single server}, {@code sentinel} or {@code cluster}. */
    String kind();

    /** One server at a fixed address ({@code REDIS_URL}). */
    record SingleServer(RedisAddress server, int database) implements RedisTopology {

        public SingleServer {
            checkDatabase(database);
        }

        @Override
        public String kind() {
            return "single server";
        }
    }

    /**
     * A primary with replicas watched by Sentinels; clients ask the Sentinels where the primary is and follow
     * failovers.
     */
    record Sentinel(List<RedisAddress> sentinels, String masterName, int database) implements RedisTopology {

        public Sentinel {
            sentinels = List.copyOf(sentinels);
            if (sentinels.isEmpty()) {
                throw new InvalidRedisSettingsException("LLMQ_REDIS_SENTINEL_NODES names no Sentinel");
            }
            if (masterName.isBlank()) {
                throw new InvalidRedisSettingsException(
                        "set LLMQ_REDIS_SENTINEL_MASTER to the name the Sentinels monitor the primary under");
            }
            checkDatabase(database);
        }

        @Override
        public String kind() {
            return "sentinel";
        }
    }

    /** A Redis Cluster found through any of its nodes; the client learns the others and the slot map from them. */
    record Cluster(List<RedisAddress> seeds) implements RedisTopology {

        public Cluster {
            seeds = List.copyOf(seeds);
            if (seeds.isEmpty()) {
                throw new InvalidRedisSettingsException("LLMQ_REDIS_CLUSTER_NODES names no node");
            }
        }

        @Override
        public String kind() {
            return "cluster";
        }
    }

    private static void checkDatabase(int database) {
        if (database < 0) {
            throw new InvalidRedisSettingsException("a Redis database number is 0 or more: " + database);
        }
    }
}
