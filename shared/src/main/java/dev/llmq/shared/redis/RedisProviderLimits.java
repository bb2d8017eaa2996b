package dev.llmq.shared.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
    /** The look at the pause in progress, whose answer callers coming meanwhile share; null when none is. */
    private final AtomicReference<CompletableFuture<Duration>> asking = new AtomicReference<>();
    /** Calls granted budget here and not yet known to have reached the provider nor ended. */
    private final Map<String, Granted> granted = new ConcurrentHashMap<>();

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
        String member = callId + ":" + UUID.randomUUID();
        long counted = Math.max(0, tokens);
        List<Object> keys =
                new ArrayList<>(List.of(RedisKeys.providerPauseKey(provider), RedisKeys.providerLeasesKey(provider)));
        keys.addAll(windowKeys(modelName));
        Long waitMillis = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.ACQUIRE_PROVIDER_BUDGET,
                        RScript.ReturnType.LONG,
                        keys,
                        Long.toString(countedWindow().toMillis()),
                        member,
                        Long.toString(counted),
                        Integer.toString(maxConcurrent),
                        Long.toString(lease.toMillis()),
                        callId,
                        Integer.toString(requestsPerWindow),
                        Long.toString(tokensPerWindow),
                        Integer.toString(modelLimit.requestsPerWindow()),
                        Long.toString(modelLimit.tokensPerWindow()));
        if (waitMillis == null || waitMillis <= 0) {
            granted.put(callId, new Granted(member, counted, modelName, System.nanoTime()));
            return Duration.ZERO;
        }
        return Duration.ofMillis(waitMillis);
    }

    /**
     * Counts the call again from now if it reached the provider more than half the windows' margin after it took its
     * budget: one script on the provider's slot, only for such late calls.
     */
    @Override
    public void reached(String callId) {
        Granted call = granted.remove(callId);
        if (call == null
                || System.nanoTime() - call.grantedAt() <= safetyMargin(window).toNanos() / 2) {
            return;
        }
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.RESTAMP_CALL,
                        RScript.ReturnType.STRING,
                        windowKeys(call.model()),
                        call.member(),
                        Long.toString(call.tokens()),
                        Long.toString(countedWindow().toMillis()));
    }

    /** The provider's request and token windows, then the model's: the keys a granted call is counted in. */
    private List<Object> windowKeys(String model) {
        return List.of(
                RedisKeys.providerRequestsKey(provider),
                RedisKeys.providerTokensKey(provider),
                RedisKeys.providerRequestsKey(provider) + ":model:" + model,
                RedisKeys.providerTokensKey(provider) + ":model:" + model);
    }

    /** How long a call is counted: the provider's window and the margin for calls slow on their way. */
    private Duration countedWindow() {
        return window.plus(safetyMargin(window));
    }

    /** A call granted budget: its entries' member in the windows, its tokens, its model, when (System.nanoTime). */
    private record Granted(String member, long tokens, String model, long grantedAt) {}

    /**
     * With no budget to count against, only the pause decides, and that is one {@code PTTL}: the pause key expires
     * when the pause ends (see {@link Scripts#PAUSE_PROVIDER}), so its time to live is the wait, on Redis's clock. A
     * pause found absent is believed for {@link #UNPAUSED_RECHECK} (a pause set here forgets that at once), so that a
     * busy worker asks once per interval rather than once per call: a 429 another replica hears reaches this one at
     * most that much later. Callers that come while one of them is asking wait for its answer rather than ask too.
     */
    private Duration pauseLeft() {
        if (System.nanoTime() - unpausedUntil.get() < 0) {
            return Duration.ZERO;
        }
        CompletableFuture<Duration> mine = new CompletableFuture<>();
        CompletableFuture<Duration> current = asking.compareAndExchange(null, mine);
        if (current != null) {
            try {
                return current.join();
            } catch (CompletionException ex) {
                throw ex.getCause() instanceof RuntimeException cause ? cause : ex;
            }
        }
        try {
            long askedAt = System.nanoTime();
            long millis = redis.getBucket(RedisKeys.providerPauseKey(provider), StringCodec.INSTANCE)
                    .remainTimeToLive();
            Duration left = millis > 0 ? Duration.ofMillis(millis) : Duration.ZERO;
            if (left.isZero()) {
                unpausedUntil.set(askedAt + UNPAUSED_RECHECK.toNanos());
            }
            mine.complete(left);
            return left;
        } catch (RuntimeException ex) {
            mine.completeExceptionally(ex);
            throw ex;
        } finally {
            asking.set(null);
        }
    }

    @Override
    public void release(String callId) {
        granted.remove(callId);
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
        redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.PAUSE_PROVIDER,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.providerPauseKey(provider)),
                        Long.toString(duration.toMillis()));
        // once the pause is stored, so that the next caller here looks (a look begun before the pause may still
        // finish after it and be believed, for at most UNPAUSED_RECHECK from when it began)
        unpausedUntil.set(System.nanoTime());
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
