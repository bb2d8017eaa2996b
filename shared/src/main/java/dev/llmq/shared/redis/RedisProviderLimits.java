package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Sliding-window request and token budgets and the shared pause, each decided by one Lua script on Redis's own clock
 * (so replicas with skewed clocks agree). A provider's keys share a hash tag: one slot on Redis Cluster.
 */
public final class RedisProviderLimits implements ProviderLimits {

    /** How long a pause found absent is believed without asking Redis again (budgets are checked on every call). */
    static final Duration UNPAUSED_RECHECK = Duration.ofMillis(100);

    private final RedissonClient redis;
    private final String provider;
    private final Map<String, ModelLimit> modelLimits;
    private final int requestsPerWindow;
    private final long tokensPerWindow;
    private final Duration window;
    private final int maxConcurrent;
    private final Duration lease;
    /** Until when (System.nanoTime) the provider is taken to be unpaused without asking Redis again. */
    private final AtomicLong unpausedUntil = new AtomicLong(System.nanoTime());

    /** No concurrency cap. */
    public RedisProviderLimits(
            RedissonClient redis, String provider, int requestsPerWindow, long tokensPerWindow, Duration window) {
        this(redis, provider, requestsPerWindow, tokensPerWindow, window, 0, Duration.ofMinutes(5), Map.of());
    }

    /**
     * A limit of 0 means none; the pause applies whatever the limits. A concurrency slot not released within
     * {@code lease} (its worker died) frees itself. {@code modelLimits} adds budgets for single models, in the same
     * window, on top of the provider's.
     */
    public RedisProviderLimits(
            RedissonClient redis,
            String provider,
            int requestsPerWindow,
            long tokensPerWindow,
            Duration window,
            int maxConcurrent,
            Duration lease,
            Map<String, ModelLimit> modelLimits) {
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
        this.provider = provider;
        this.modelLimits = Map.copyOf(modelLimits);
        this.requestsPerWindow = requestsPerWindow;
        this.tokensPerWindow = tokensPerWindow;
        this.window = window;
    }

    @Override
    public Duration acquire(String callId, @Nullable String model, long tokens) {
        ModelLimit modelLimit = model == null ? ModelLimit.NONE : modelLimits.getOrDefault(model, ModelLimit.NONE);
        if (requestsPerWindow == 0
                && tokensPerWindow == 0
                && maxConcurrent == 0
                && modelLimit.equals(ModelLimit.NONE)) {
            return pauseLeft();
        }
        String modelName = model == null ? "-" : model;
        List<Object> keys = List.of(
                RedisKeys.providerPauseKey(provider),
                RedisKeys.providerLeasesKey(provider),
                RedisKeys.providerRequestsKey(provider),
                RedisKeys.providerTokensKey(provider),
                RedisKeys.providerRequestsKey(provider) + ":model:" + modelName,
                RedisKeys.providerTokensKey(provider) + ":model:" + modelName);
        Long waitMillis = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.ACQUIRE_PROVIDER_BUDGET,
                        RScript.ReturnType.LONG,
                        keys,
                        Long.toString(window.plus(safetyMargin(window)).toMillis()),
                        callId + ":" + UUID.randomUUID(),
                        Long.toString(Math.max(0, tokens)),
                        Integer.toString(maxConcurrent),
                        Long.toString(lease.toMillis()),
                        callId,
                        Integer.toString(requestsPerWindow),
                        Long.toString(tokensPerWindow),
                        Integer.toString(modelLimit.requestsPerWindow()),
                        Long.toString(modelLimit.tokensPerWindow()));
        return waitMillis == null || waitMillis <= 0 ? Duration.ZERO : Duration.ofMillis(waitMillis);
    }

    /**
     * With no budget to count against, only the pause decides, and that is one {@code PTTL}: the pause key expires
     * when the pause ends (see {@link Scripts#PAUSE_PROVIDER}), so its time to live is the wait, on Redis's clock. A
     * pause found absent is believed for {@link #UNPAUSED_RECHECK} (a pause set here forgets that at once), so that a
     * busy worker asks once per interval rather than once per call: a 429 another replica hears reaches this one at
     * most that much later.
     */
    private Duration pauseLeft() {
        long now = System.nanoTime();
        long until = unpausedUntil.get();
        // only one caller asks when the interval is over; the others meanwhile keep believing the last answer
        if (now - until < 0 || !unpausedUntil.compareAndSet(until, now + UNPAUSED_RECHECK.toNanos())) {
            return Duration.ZERO;
        }
        long millis;
        try {
            millis = redis.getBucket(RedisKeys.providerPauseKey(provider), StringCodec.INSTANCE)
                    .remainTimeToLive();
        } catch (RuntimeException ex) {
            unpausedUntil.set(now);
            throw ex;
        }
        if (millis > 0) {
            unpausedUntil.set(now);
            return Duration.ofMillis(millis);
        }
        return Duration.ZERO;
    }

    @Override
    public void release(String callId) {
        if (maxConcurrent > 0) {
            redis.getScoredSortedSet(RedisKeys.providerLeasesKey(provider), StringCodec.INSTANCE)
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
        unpausedUntil.set(System.nanoTime());
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.PAUSE_PROVIDER,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.providerPauseKey(provider)),
                        Long.toString(duration.toMillis()));
    }

    /** Budgets of one model within its provider's window; 0 means none. */
    public record ModelLimit(int requestsPerWindow, long tokensPerWindow) {

        public static final ModelLimit NONE = new ModelLimit(0, 0);

        public ModelLimit {
            if (requestsPerWindow < 0 || tokensPerWindow < 0) {
                throw new IllegalArgumentException("model limits must not be negative");
            }
        }

        /**
         * Parses {@code model:requests:tokens} entries separated by commas, e.g. {@code gpt-4o:500:30000,o1:20:0}.
         */
        public static Map<String, ModelLimit> parse(String text) {
            Map<String, ModelLimit> limits = new java.util.LinkedHashMap<>();
            for (String entry : text.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                String[] parts = entry.trim().split(":");
                if (parts.length != 3) {
                    throw new IllegalArgumentException(
                            "a model limit is model:requests:tokens, not '" + entry.trim() + "'");
                }
                try {
                    limits.put(parts[0], new ModelLimit(Integer.parseInt(parts[1]), Long.parseLong(parts[2])));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException(
                            "a model limit is model:requests:tokens, not '" + entry.trim() + "'");
                }
            }
            return limits;
        }
    }
}
