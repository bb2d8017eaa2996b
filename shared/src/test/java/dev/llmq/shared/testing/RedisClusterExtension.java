package dev.llmq.shared.testing;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own real Redis Cluster (3 primaries unless told otherwise): declare {@code @RegisterExtension
 * static RedisClusterExtension cluster = new RedisClusterExtension();} and use {@link #redis()}.
 */
public final class RedisClusterExtension implements RedisExtension {

    private final int primaries;
    private final int replicasPerPrimary;
    private TestRedisCluster cluster;

    public RedisClusterExtension() {
        this(3, 0);
    }

    public RedisClusterExtension(int primaries, int replicasPerPrimary) {
        this.primaries = primaries;
        this.replicasPerPrimary = replicasPerPrimary;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = TestRedisCluster.start(primaries, replicasPerPrimary);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    public TestRedisCluster redis() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster extension has not started: register it as a static field");
        }
        return cluster;
    }
}
