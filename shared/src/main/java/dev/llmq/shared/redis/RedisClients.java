package dev.llmq.shared.redis;

import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.SingleServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the one Redisson client a process uses: string codec everywhere (plain JSON any client can read), bounded
 * pools, short timeouts so a lost Redis fails fast, and lazy connection so a service starts before Redis does.
 */
public final class RedisClients {

    private static final Logger log = LoggerFactory.getLogger(RedisClients.class);

    private RedisClients() {}

    /** Parses {@code url}, logs where Redis is (never the password) and creates the client. */
    public static RedissonClient connect(String url, Duration commandTimeout, int poolSize, String clientName) {
        RedisSettings settings = RedisSettings.fromUrl(url, commandTimeout, poolSize, clientName);
        log.info("Using Redis at {}", settings);
        return create(settings);
    }

    public static RedissonClient create(RedisSettings settings) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(true);
        config.setUseScriptCache(true);
        config.setThreads(4);
        config.setNettyThreads(8);
        int timeoutMillis = Math.toIntExact(settings.commandTimeout().toMillis());
        SingleServerConfig server = config.useSingleServer()
                .setAddress(settings.address())
                .setDatabase(settings.database())
                .setClientName(settings.clientName())
                .setConnectionPoolSize(settings.connectionPoolSize())
                .setConnectionMinimumIdleSize(Math.min(2, settings.connectionPoolSize()))
                .setSubscriptionConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setConnectTimeout(timeoutMillis)
                .setTimeout(timeoutMillis)
                .setRetryAttempts(1)
                .setRetryDelay(new ConstantDelay(Duration.ofMillis(200)))
                .setPingConnectionInterval(5_000);
        if (settings.username() != null) {
            server.setUsername(settings.username());
        }
        if (settings.password() != null) {
            server.setPassword(settings.password());
        }
        return Redisson.create(config);
    }
}
