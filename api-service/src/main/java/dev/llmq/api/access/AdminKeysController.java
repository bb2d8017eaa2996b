package dev.llmq.api.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.shared.access.ApiKeyId;
import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.access.InvalidApiKeyIdException;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.ApiKeyStore;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Managing API keys with the admin key: {@code POST /admin/keys} (the key is shown once), {@code GET /admin/keys} (no
 * secrets) and {@code DELETE /admin/keys/{key_id}}.
 */
@RestController
class AdminKeysController {

    private static final Logger log = LoggerFactory.getLogger(AdminKeysController.class);

    private final ApiKeyStore keys;
    private final Clock clock;

    AdminKeysController(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @ModelAttribute
    void requireAdmin(HttpServletRequest request) {
        AdminGuard.requireAdmin(request);
    }

    /** Creates a key for the tenant; the response is the only place the key ever appears. */
    @PostMapping(
            path = "/admin/keys",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    ResponseEntity<CreatedKey> create(@RequestBody CreateKeyRequest request) {
        TenantId tenant = Tenants.parse(request.tenant());
        if (tenant.equals(TenantId.LOCAL)) {
            throw AdminRequestException.invalid(
                    "tenant 'local' is reserved for clients without a key; choose another tenant name");
        }
        String name = request.name() == null ? "" : request.name();
        if (!ApiKeyRecord.validName(name)) {
            throw AdminRequestException.invalid("'name' is required: 1-100 characters without control characters");
        }
        String secret = KeySecrets.newKey();
        ApiKeyRecord key = new ApiKeyRecord(ApiKeyId.random(), tenant, name, clock.instant());
        keys.create(KeySecrets.digest(secret), key);
        log.info("Created API key {} for tenant {}", key.id(), key.tenant());
        return ResponseEntity.status(HttpStatus.CREATED)
                .cacheControl(CacheControl.noStore())
                .body(new CreatedKey(secret, KeyView.of(key)));
    }

    /** Every key, or the tenant's, without secrets. */
    @GetMapping(path = "/admin/keys", produces = MediaType.APPLICATION_JSON_VALUE)
    KeyList list(@RequestParam(name = "tenant", required = false) @Nullable String tenantText) {
        TenantId tenant = tenantText == null ? null : Tenants.parse(tenantText);
        return new KeyList(keys.list(tenant).stream().map(KeyView::of).toList());
    }

    /** Revokes the key at once on every replica (each looks keys up in Redis per request). */
    @DeleteMapping(path = "/admin/keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    ResponseEntity<Void> revoke(@PathVariable("keyId") String keyIdText) {
        ApiKeyId id;
        try {
            id = new ApiKeyId(keyIdText);
        } catch (InvalidApiKeyIdException ex) {
            throw AdminRequestException.invalid(ex.getMessage());
        }
        if (!keys.revoke(id)) {
            throw new AdminRequestException(HttpStatus.NOT_FOUND, "API key not found", "no API key " + id);
        }
        log.info("Revoked API key {}", id);
        return ResponseEntity.noContent().build();
    }

    /** The body of {@code POST /admin/keys}. */
    record CreateKeyRequest(
            @Nullable String tenant, @Nullable String name) {}

    /** A key as listed: everything but the secret. */
    record KeyView(
            @JsonProperty("key_id") String keyId,
            String tenant,
            String name,
            @JsonProperty("created_at") Instant createdAt) {

        static KeyView of(ApiKeyRecord key) {
            return new KeyView(key.id().value(), key.tenant().value(), key.name(), key.createdAt());
        }
    }

    /** A new key: the secret once, and what will be listed. */
    record CreatedKey(
            String key,
            @JsonProperty("key_id") String keyId,
            String tenant,
            String name,
            @JsonProperty("created_at") Instant createdAt) {

        CreatedKey(String key, KeyView view) {
            this(key, view.keyId(), view.tenant(), view.name(), view.createdAt());
        }

        @Override
        public String toString() {
            return "CreatedKey[" + keyId + "]";
        }
    }

    /** The body of {@code GET /admin/keys}. */
    record KeyList(List<KeyView> keys) {}
}
