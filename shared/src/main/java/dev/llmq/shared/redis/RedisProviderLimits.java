package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Sliding-window request and token budgets and the shared pause, each decided by one Lua script on Redis's own clock
 * (so replicas with skewed clocks agree). A provider's keys share a hash tag: one slot on Redis Cluster.
 */
public final class RedisProviderLimits implements ProviderLimits {

    private final RedissonClient redis;
    private final List<Object> keys;
    private final int requestsPerWindow;
    private final long tokensPerWindow;
    private final Duration window;
    private final int maxConcurrent;
    private final Duration lease;

    /** No concurrency cap. */
    public RedisProviderLimits(
            RedissonClient redis, String provider, int requestsPerWindow, long tokensPerWindow, Duration window) {
        this(redis, provider, requestsPerWindow, tokensPerWindow, window, 0, Duration.ofMinutes(5));
    }

    /**
     * A limit of 0 means none; the pause applies whatever the limits. A concurrency slot not released within
     * {@code lease} (its worker died) frees itself.
     */
    public RedisProviderLimits(
            RedissonClient redis,
            String provider,
            int requestsPerWindow,
            long tokensPerWindow,
            Duration window,
            int maxConcurrent,
            Duration lease) {
        if (requestsPerWindow < 0
                || tokensPerWindow < 0
                || maxConcurrent < 0
                || !window.isPositive()
                || !lease.isPositive()) {
            throw new IllegalArgumentException("limits must not be negative; the window and lease must be positive");
        }
        this.maxConcurrent = maxConcurrent;
        this.lease = lease;
        this.redis = redis;
        this.keys = List.of(
                RedisKeys.providerPauseKey(provider),
                RedisKeys.providerRequestsKey(provider),
                RedisKeys.providerTokensKey(provider),
                RedisKeys.providerLeasesKey(provider));
        this.requestsPerWindow = requestsPerWindow;
        this.tokensPerWindow = tokensPerWindow;
        this.window = window;
    }

    @Override
    public Duration acquire(String callId, long tokens) {
        Long waitMillis = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.ACQUIRE_PROVIDER_BUDGET,
                        RScript.ReturnType.LONG,
                        keys,
                        Long.toString(window.plus(safetyMargin(window)).toMillis()),
                        Integer.toString(requestsPerWindow),
                        Long.toString(tokensPerWindow),
                        Long.toString(Math.max(0, tokens)),
                        callId + ":" + UUID.randomUUID(),
                        Integer.toString(maxConcurrent),
                        Long.toString(lease.toMillis()),
                        callId);
        return waitMillis == null || waitMillis <= 0 ? Duration.ZERO : Duration.ofMillis(waitMillis);
    }

    @Override
    public void release(String callId) {
        if (maxConcurrent > 0) {
            redis.getScoredSortedSet(keys.get(3).toString(), StringCodec.INSTANCE)
                    .remove(callId);
        }
    }

    /**
     * Calls reach the provider a little after they are counted here, some later than others; a window a little longer
     * than the provider's keeps a call that was slow on its way from being counted twice there.
     */
    static Duration safetyMargin(Duration window) {
        return Duration.ofSeconds(1).plus(window.dividedBy(100));
    }

    @Override
    public void pause(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.PAUSE_PROVIDER,
                        RScript.ReturnType.LONG,
                        List.of(keys.getFirst()),
                        Long.toString(duration.toMillis()));
    }
}
