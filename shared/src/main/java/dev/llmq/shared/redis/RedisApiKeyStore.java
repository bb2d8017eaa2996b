package dev.llmq.shared.redis;

import dev.llmq.shared.access.ApiKeyId;
import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.query.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * API keys in Redis: a hash per key digest and an index hash of id to digest, written and deleted together by one
 * script. A lookup is one {@code HGETALL}.
 */
public final class RedisApiKeyStore implements ApiKeyStore {

    /** KEYS: key hash, index. ARGV: id, digest, tenant, name, created at. Returns 0 if the digest or id exists. */
    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
              return 0
            end
            redis.call('HSET', KEYS[1], 'key_id', ARGV[1], 'tenant', ARGV[3], 'name', ARGV[4], 'created_at', ARGV[5])
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            return 1
            """;

    /** KEYS: key hash, index. ARGV: id, digest. Deletes both if the index still maps the id to the digest. */
    private static final String REVOKE = """
            if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then
              return 0
            end
            redis.call('DEL', KEYS[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            return 1
            """;

    private final RedissonClient redis;

    public RedisApiKeyStore(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public void create(String digest, ApiKeyRecord key) {
        Long created = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        CREATE,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.apiKey(digest), RedisKeys.API_KEY_INDEX),
                        key.id().value(),
                        digest,
                        key.tenant().value(),
                        key.name(),
                        key.createdAt().toString());
        if (created == null || created != 1L) {
            throw new IllegalStateException("API key " + key.id() + " or its digest already exists");
        }
    }

    @Override
    public Optional<ApiKeyRecord> findByDigest(String digest) {
        Map<String, String> fields = redis.<String, String>getMap(RedisKeys.apiKey(digest), StringCodec.INSTANCE)
                .readAllMap();
        return Optional.ofNullable(decode(fields));
    }

    @Override
    public List<ApiKeyRecord> list(@Nullable TenantId tenant) {
        Map<String, String> index = redis.<String, String>getMap(RedisKeys.API_KEY_INDEX, StringCodec.INSTANCE)
                .readAllMap();
        if (index.isEmpty()) {
            return List.of();
        }
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        for (String digest : index.values()) {
            batch.<String, String>getMap(RedisKeys.apiKey(digest), StringCodec.INSTANCE)
                    .readAllMapAsync();
        }
        List<ApiKeyRecord> keys = new ArrayList<>();
        for (Object reply : batch.execute().getResponses()) {
            @SuppressWarnings("unchecked")
            ApiKeyRecord key = decode((Map<String, String>) reply);
            if (key != null && (tenant == null || key.tenant().equals(tenant))) {
                keys.add(key);
            }
        }
        keys.sort(Comparator.comparing(ApiKeyRecord::createdAt)
                .thenComparing(key -> key.id().value()));
        return List.copyOf(keys);
    }

    @Override
    public boolean revoke(ApiKeyId id) {
        String digest = redis.<String, String>getMap(RedisKeys.API_KEY_INDEX, StringCodec.INSTANCE)
                .get(id.value());
        if (digest == null) {
            return false;
        }
        Long revoked = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        REVOKE,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.apiKey(digest), RedisKeys.API_KEY_INDEX),
                        id.value(),
                        digest);
        return revoked != null && revoked == 1L;
    }

    private static @Nullable ApiKeyRecord decode(@Nullable Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return null;
        }
        return new ApiKeyRecord(
                new ApiKeyId(fields.get("key_id")),
                new TenantId(fields.get("tenant")),
                fields.get("name"),
                Instant.parse(fields.get("created_at")));
    }
}
