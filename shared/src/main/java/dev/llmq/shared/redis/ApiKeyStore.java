package dev.llmq.shared.redis;

import dev.llmq.shared.access.ApiKeyId;
import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.query.TenantId;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * API keys by the SHA-256 hex digest of the key (the key itself is never stored), with an index of ids for listing
 * and revoking. Every replica reads the same store, so a revoked key is refused everywhere at once.
 */
public interface ApiKeyStore {

    /** Stores a new key; both the digest and the id are fresh random values, so a clash is a bug. */
    void create(String digest, ApiKeyRecord key);

    /** One round trip: the key with this digest, if it exists and is not revoked. */
    Optional<ApiKeyRecord> findByDigest(String digest);

    /** Every key, or only the tenant's, oldest first. */
    List<ApiKeyRecord> list(@Nullable TenantId tenant);

    /** Deletes the key; returns false if no key has this id. */
    boolean revoke(ApiKeyId id);
}
