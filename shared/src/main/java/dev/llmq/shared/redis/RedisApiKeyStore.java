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
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * API keys in Redis: a hash per key digest and an index hash of id to digest. No script spans both (they live in
 * different slots on Redis Cluster); instead the order of writes keeps them safe: the index entry is written before
 * the key and removed after it, so a crash in between leaves at most an index entry without a key, which listing
 * skips. A lookup is one {@code HGETALL}. With confirmation asked for, each of those writes is answered only once that
 * many replicas of its primary have it: a key created and then lost in a failover would stop working, one whose index
 * entry was lost could not be revoked by id, and a revocation lost would let the key in again.
 */
public final class RedisApiKeyStore implements ApiKeyStore {

    private final RedissonClient redis;
    private final ReplicaConfirmation confirmation;

    public RedisApiKeyStore(RedissonClient redis, ReplicaConfirmation confirmation) {
        this.redis = redis;
        this.confirmation = confirmation;
    }

    @Override
    public void create(String digest, ApiKeyRecord key) {
        boolean added = confirmation.write(
                redis,
                batch -> batch.<String, String>getMap(RedisKeys.API_KEY_INDEX, StringCodec.INSTANCE)
                        .fastPutIfAbsentAsync(key.id().value(), digest),
                "API key " + key.id() + "'s index entry");
        if (!added
                || redis.getMap(RedisKeys.apiKey(digest), StringCodec.INSTANCE).isExists()) {
            throw new IllegalStateException("API key " + key.id() + " or its digest already exists");
        }
        confirmation.write(
                redis,
                batch -> batch.<String, String>getMap(RedisKeys.apiKey(digest), StringCodec.INSTANCE)
                        .putAllAsync(Map.of(
                                "key_id", key.id().value(),
                                "tenant", key.tenant().value(),
                                "name", key.name(),
                                "created_at", key.createdAt().toString())),
                "API key " + key.id());
    }

    @Override
    public Optional<ApiKeyRecord> findByDigest(String digest) {
        Map<String, String> fields = redis.<String, String>getMap(RedisKeys.apiKey(digest), StringCodec.INSTANCE)
                .readAllMap();
        return Optional.ofNullable(decode(fields));
    }

    @Override
    public List<ApiKeyRecord> list(@Nullable TenantId tenant) {
        Map<String, String> index = index().readAllMap();
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
        String digest = index().get(id.value());
        if (digest == null) {
            return false;
        }
        confirmation.write(
                redis,
                batch -> batch.getMap(RedisKeys.apiKey(digest), StringCodec.INSTANCE)
                        .deleteAsync(),
                "API key " + id + "'s revocation");
        long removed = confirmation.write(
                redis,
                batch -> batch.<String, String>getMap(RedisKeys.API_KEY_INDEX, StringCodec.INSTANCE)
                        .fastRemoveAsync(id.value()),
                "API key " + id + "'s index entry");
        return removed == 1;
    }

    private RMap<String, String> index() {
        return redis.getMap(RedisKeys.API_KEY_INDEX, StringCodec.INSTANCE);
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
