package dev.llmq.shared.redis;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.ReadMode;
import org.redisson.config.SubscriptionMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one Redisson client a process uses: string codec everywhere (plain JSON any client can read), bounded
 * pools, short timeouts so a lost Redis fails fast, and lazy connection so a service starts before Redis does. On
 * Sentinel and Cluster every read, write and subscription goes to primaries: llmq never reads from replicas, whose
 * copy may lag behind an outcome that was just stored.
 */
public final class RedisClients {

    private static final Logger log = LoggerFactory.getLogger(RedisClients.class);

    private RedisClients() {}

    /** Parses {@code url}, logs where Redis is (never the password) and creates the client. */
    public static RedissonClient connect(String url, Duration commandTimeout, int poolSize, String clientName) {
        return connect(RedisEnvironment.ofUrl(url), commandTimeout, poolSize, clientName);
    }

    /** Checks the settings, logs the topology and where it is (never a password) and creates the client. */
    public static RedissonClient connect(
            RedisEnvironment environment, Duration commandTimeout, int poolSize, String clientName) {
        RedisSettings settings = environment.resolve(commandTimeout, poolSize, clientName);
        log.info("Using Redis ({}) at {}", settings.topology().kind(), settings);
        return create(settings);
    }

    public static RedissonClient create(RedisSettings settings) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(true);
        // EVAL, not EVALSHA: Redisson remembers which scripts a server has loaded and, in a pipeline, sends EVALSHA
        // without falling back on NOSCRIPT, so after a Redis restart (or failover, or SCRIPT FLUSH) every pipeline
        // with a script (a submission's status TTL, a worker's finish) failed until something else reloaded it
        config.setUseScriptCache(false);
        config.setThreads(4);
        config.setNettyThreads(8);
        // without it, a result notification was lost about once per 200,000 (see RespFrameAligner)
        config.setNettyHook(RespFrameAligner.HOOK);
        BaseConfig<?> servers = switch (settings.topology()) {
            case RedisTopology.SingleServer single ->
                config.useSingleServer()
                        .setAddress(single.server().uri(settings.tls()))
                        .setDatabase(single.database())
                        .setConnectionPoolSize(settings.connectionPoolSize())
                        .setConnectionMinimumIdleSize(Math.min(2, settings.connectionPoolSize()))
                        .setSubscriptionConnectionPoolSize(2)
                        .setSubscriptionConnectionMinimumIdleSize(1);
            case RedisTopology.Sentinel sentinel -> {
                var sentinels = primariesOnly(config.useSentinelServers(), settings)
                        .setMasterName(sentinel.masterName())
                        .setDatabase(sentinel.database())
                        // one Sentinel is a valid (if fragile) setup; Redisson would refuse it by default
                        .setCheckSentinelsList(false);
                sentinel.sentinels().forEach(address -> sentinels.addSentinelAddress(address.uri(settings.tls())));
                if (settings.sentinelPassword() != null) {
                    sentinels.setSentinelPassword(settings.sentinelPassword());
                }
                yield sentinels;
            }
            case RedisTopology.Cluster cluster -> {
                var nodes = primariesOnly(config.useClusterServers(), settings)
                        // learn a promoted replica within about a second of the failover
                        .setScanInterval(1_000);
                cluster.seeds().forEach(address -> nodes.addNodeAddress(address.uri(settings.tls())));
                yield nodes;
            }
        };
        int timeoutMillis = Math.toIntExact(settings.commandTimeout().toMillis());
        servers.setClientName(settings.clientName())
                .setConnectTimeout(timeoutMillis)
                .setTimeout(timeoutMillis)
                .setRetryAttempts(1)
                .setRetryDelay(new ConstantDelay(Duration.ofMillis(200)))
                .setPingConnectionInterval(5_000);
        if (settings.username() != null) {
            servers.setUsername(settings.username());
        }
        if (settings.password() != null) {
            servers.setPassword(settings.password());
        }
        return Redisson.create(config);
    }

    /**
     * Reads and subscriptions on primaries only (so Redisson opens no replica connections at all), with the pool bound
     * per primary.
     */
    private static <T extends BaseMasterSlaveServersConfig<T>> T primariesOnly(T servers, RedisSettings settings) {
        return servers.setReadMode(ReadMode.MASTER)
                .setSubscriptionMode(SubscriptionMode.MASTER)
                .setMasterConnectionPoolSize(settings.connectionPoolSize())
                .setMasterConnectionMinimumIdleSize(Math.min(2, settings.connectionPoolSize()))
                .setSubscriptionConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1);
    }
}
