package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RedisEnvironmentTests {

    private static RedisSettings resolve(
            @Nullable String url,
            @Nullable String clusterNodes,
            @Nullable String sentinelNodes,
            @Nullable String sentinelMaster,
            @Nullable String password,
            @Nullable Boolean tls,
            @Nullable Integer database) {
        return new RedisEnvironment(
                        url, clusterNodes, sentinelNodes, sentinelMaster, null, password, null, tls, database)
                .resolve(Duration.ofSeconds(1), 8, "test");
    }

    @Test
    void nothingSetMeansOneServerOnLocalhost() {
        RedisSettings settings = resolve(" ", "", null, null, null, null, null);

        assertThat(settings.topology())
                .isEqualTo(new RedisTopology.SingleServer(new RedisAddress("localhost", 6379), 0));
        assertThat(settings.topology().kind()).isEqualTo("single server");
    }

    @Test
    void clusterNodesMakeAClusterWithCredentialsAndTlsForEveryNode() {
        RedisSettings settings = resolve(null, "redis-0:7000, redis-1 ,[::1]:7002", null, null, "pw", true, 0);

        assertThat(settings.topology())
                .isEqualTo(new RedisTopology.Cluster(List.of(
                        new RedisAddress("redis-0", 7000),
                        new RedisAddress("redis-1", 6379),
                        new RedisAddress("::1", 7002))));
        assertThat(settings.tls()).isTrue();
        assertThat(settings.password()).isEqualTo("pw");
        assertThat(settings.toString())
                .isEqualTo("cluster seeded by redis-0:7000,redis-1:6379,[::1]:7002 (TLS, password set)")
                .doesNotContain("pw,");
        assertThat(((RedisTopology.Cluster) settings.topology())
                        .seeds()
                        .getFirst()
                        .uri(true))
                .isEqualTo("rediss://redis-0:7000");
    }

    @Test
    void sentinelNodesWithAMasterNameMakeASentinelSetupOnItsDatabase() {
        RedisSettings settings = new RedisEnvironment(
                        null, null, "s1,s2:26380", "llmq-primary", "app", "topsecret", "sentinelsecret", null, 3)
                .resolve(Duration.ofSeconds(1), 8, "test");

        assertThat(settings.topology())
                .isEqualTo(new RedisTopology.Sentinel(
                        List.of(new RedisAddress("s1", 26379), new RedisAddress("s2", 26380)), "llmq-primary", 3));
        assertThat(settings.sentinelPassword()).isEqualTo("sentinelsecret");
        assertThat(settings.toString())
                .isEqualTo("primary 'llmq-primary' via Sentinels s1:26379,s2:26380, database 3"
                        + " (no TLS, password set, user app, Sentinel password set)")
                .doesNotContain("topsecret", "sentinelsecret");
    }

    @Test
    void aPasswordMayComeFromItsOwnVariableWhenTheUrlHasNone() {
        RedisSettings settings = resolve("redis://redis.internal:6379/1", null, null, null, "fromsecret", null, null);

        assertThat(settings.password()).isEqualTo("fromsecret");
        assertThat(settings.toString()).isEqualTo("redis://:***@redis.internal:6379/1");
    }

    @Test
    void twoTopologiesAtOnceAreRefusedSayingWhatToSet() {
        assertThatThrownBy(() -> resolve("redis://:urlsecret@r:6379", "c:6379", null, null, null, null, null))
                .isInstanceOf(InvalidRedisSettingsException.class)
                .hasMessageContaining("REDIS_URL and LLMQ_REDIS_CLUSTER_NODES are set together")
                .hasMessageContaining("set only one of")
                .hasMessageNotContaining("urlsecret");
        assertThatThrownBy(() -> resolve(null, "c:6379", "s:26379", "m", null, null, null))
                .hasMessageContaining("LLMQ_REDIS_SENTINEL_NODES and LLMQ_REDIS_CLUSTER_NODES are set together");
    }

    @Test
    void incompleteOrMisplacedSettingsAreRefusedSayingWhatToSet() {
        assertThatThrownBy(() -> resolve(null, null, "s:26379", null, null, null, null))
                .isInstanceOf(InvalidRedisSettingsException.class)
                .hasMessageContaining("set LLMQ_REDIS_SENTINEL_MASTER");
        assertThatThrownBy(() -> resolve(null, null, null, "mymaster", null, null, null))
                .hasMessageContaining("without LLMQ_REDIS_SENTINEL_NODES");
        assertThatThrownBy(() -> resolve(null, "c:6379", null, null, null, null, 2))
                .hasMessageContaining("only database 0");
        assertThatThrownBy(() -> resolve("redis://r:6379", null, null, null, null, true, null))
                .hasMessageContaining("rediss://");
        assertThatThrownBy(() -> resolve("redis://r:6379", null, null, null, null, null, 2))
                .hasMessageContaining("in its path");
        assertThatThrownBy(() -> resolve("redis://:one@r:6379", null, null, null, "two", null, null))
                .hasMessageContaining("in one place only")
                .hasMessageNotContaining("one@")
                .hasMessageNotContaining("two");
        assertThatThrownBy(() -> new RedisEnvironment(null, null, null, null, null, null, "pw", null, null)
                        .resolve(Duration.ofSeconds(1), 8, "test"))
                .hasMessageContaining("LLMQ_REDIS_SENTINEL_PASSWORD is only for LLMQ_REDIS_SENTINEL_NODES");
    }

    @Test
    void nodeListsTakeHostPortEntriesOnly() {
        assertThatThrownBy(() -> resolve(null, "redis://:pw@c:6379", null, null, null, null, null))
                .isInstanceOf(InvalidRedisSettingsException.class)
                .hasMessageContaining("host:port entries")
                .hasMessageContaining("LLMQ_REDIS_PASSWORD");
        assertThatThrownBy(() -> resolve(null, "c:notaport", null, null, null, null, null))
                .hasMessageContaining("LLMQ_REDIS_CLUSTER_NODES has an unusable entry 'c:notaport'");
        assertThatThrownBy(() -> resolve(null, " , ", null, null, null, null, null))
                .hasMessageContaining("LLMQ_REDIS_CLUSTER_NODES names no node");
    }

    @Test
    void itsOwnDescriptionHidesPasswords() {
        assertThat(new RedisEnvironment("redis://:urlsecret@r", null, null, null, null, "pw1", "pw2", null, null)
                        .toString())
                .doesNotContain("urlsecret", "pw1", "pw2");
    }
}
