package dev.llmq.shared.redis;

import dev.llmq.shared.access.TenantLimits;
import dev.llmq.shared.query.TenantId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Tenant limits in a hash per tenant, and a sliding one-minute request log per tenant checked by one script on Redis's
 * clock, so every replica counts against the same window. A tenant's keys share its hash tag.
 */
public final class RedisTenantQuotas implements TenantQuotas {

    private static final String REQUESTS_PER_MINUTE = "requests_per_minute";
    private static final String MAX_IN_FLIGHT = "max_in_flight";

    /**
     * KEYS: limits hash, request log. ARGV: default requests per minute, default max in flight, unique member. Returns
     * {wait ms (0: admitted and counted), requests per minute, max in flight}.
     */
    private static final String ADMIT = """
            local rpm = tonumber(redis.call('HGET', KEYS[1], 'requests_per_minute') or ARGV[1])
            local inFlight = tonumber(redis.call('HGET', KEYS[1], 'max_in_flight') or ARGV[2])
            if rpm <= 0 then
              return {0, rpm, inFlight}
            end
            local time = redis.call('TIME')
            local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
            if redis.call('ZCARD', KEYS[2]) >= rpm then
              local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
              return {math.max(tonumber(oldest[2]) + 60000 - now, 1), rpm, inFlight}
            end
            redis.call('ZADD', KEYS[2], now, ARGV[3])
            redis.call('PEXPIRE', KEYS[2], 60000)
            return {0, rpm, inFlight}
            """;

    private final RedissonClient redis;
    private final ReplicaConfirmation confirmation;

    /** With {@code confirmation} asked for, limits are set only once that many replicas have them. */
    public RedisTenantQuotas(RedissonClient redis, ReplicaConfirmation confirmation) {
        this.redis = redis;
        this.confirmation = confirmation;
    }

    @Override
    public Optional<TenantLimits> find(TenantId tenant) {
        Map<String, String> fields = redis.<String, String>getMap(
                        RedisKeys.tenantLimitsKey(tenant), StringCodec.INSTANCE)
                .readAllMap();
        String rpm = fields.get(REQUESTS_PER_MINUTE);
        String inFlight = fields.get(MAX_IN_FLIGHT);
        if (rpm == null || inFlight == null) {
            return Optional.empty();
        }
        return Optional.of(new TenantLimits(Integer.parseInt(rpm), Integer.parseInt(inFlight)));
    }

    @Override
    public void put(TenantId tenant, TenantLimits limits) {
        confirmation.write(
                redis,
                batch -> batch.<String, String>getMap(RedisKeys.tenantLimitsKey(tenant), StringCodec.INSTANCE)
                        .putAllAsync(Map.of(
                                REQUESTS_PER_MINUTE, Integer.toString(limits.requestsPerMinute()),
                                MAX_IN_FLIGHT, Integer.toString(limits.maxInFlight()))),
                "tenant " + tenant.value() + "'s limits");
    }

    @Override
    public Admission admit(TenantId tenant, TenantLimits defaults) {
        List<Object> reply = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        ADMIT,
                        RScript.ReturnType.LIST,
                        List.of(RedisKeys.tenantLimitsKey(tenant), RedisKeys.tenantRequestsKey(tenant)),
                        Integer.toString(defaults.requestsPerMinute()),
                        Integer.toString(defaults.maxInFlight()),
                        UUID.randomUUID().toString());
        return new Admission(Duration.ofMillis(number(reply.get(0))), new TenantLimits((int) number(reply.get(1)), (int)
                number(reply.get(2))));
    }

    private static long number(@Nullable Object reply) {
        return reply instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(reply));
    }
}
