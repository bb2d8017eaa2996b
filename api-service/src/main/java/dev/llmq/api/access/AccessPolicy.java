package dev.llmq.api.access;

import dev.llmq.shared.access.ApiKeyRecord;
import dev.llmq.shared.redis.ApiKeyStore;
import dev.llmq.shared.redis.TenantQuotas;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides who a request acts for: a valid API key's tenant (within its request rate), the local tenant where no key is
 * needed, or a refusal. A token that claims to be an llmq key ({@code llmq_...}) is always checked, never ignored: an
 * unknown or revoked one is a 401 in every mode. Where no key is needed, any other bearer token (the placeholder an
 * OpenAI SDK must send) counts as no key.
 */
@Component
class AccessPolicy {

    private static final Logger log = LoggerFactory.getLogger(AccessPolicy.class);

    /** What an IP address literal may consist of (checked on every request, so compiled once). */
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9A-Fa-f:.%]{2,64}");

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final ApiKeyStore keys;
    private final TenantQuotas quotas;
    private final AccessProperties properties;

    AccessPolicy(ApiKeyStore keys, TenantQuotas quotas, AccessProperties properties) {
        this.keys = keys;
        this.quotas = quotas;
        this.properties = properties;
    }

    /** What a request to an API endpoint (anything but health and admin) may do. */
    Decision forApi(Credentials credentials, String remoteAddress) {
        return switch (credentials) {
            case Credentials.None none -> withoutKey(remoteAddress);
            case Credentials.Malformed malformed ->
                refuse(Refusal.unauthenticated(malformed.reason(), "invalid_request"));
            case Credentials.Bearer bearer
            when properties.mode() != AccessMode.KEYS_REQUIRED && !KeySecrets.claimsToBeKey(bearer.token()) ->
                // an SDK's placeholder (OpenAI SDKs always send one), not an llmq key: as if none were sent
                withoutKey(remoteAddress);
            case Credentials.Bearer bearer -> withKey(bearer.token(), remoteAddress);
        };
    }

    /** What a request to an admin endpoint may do: only the admin key passes. */
    Decision forAdmin(Credentials credentials) {
        String adminKey = properties.adminKey();
        if (adminKey == null) {
            return refuse(
                    Refusal.forbidden(
                            "Admin endpoints disabled",
                            "the admin endpoints are off because no admin key is set; set LLMQ_API_ADMIN_KEY to manage API keys"));
        }
        return switch (credentials) {
            case Credentials.None none ->
                refuse(Refusal.unauthenticated("the admin endpoints need 'Authorization: Bearer <admin key>'", ""));
            case Credentials.Malformed malformed ->
                refuse(Refusal.unauthenticated(malformed.reason(), "invalid_request"));
            case Credentials.Bearer bearer when KeySecrets.sameSecret(bearer.token(), adminKey) -> new Decision.Admin();
            case Credentials.Bearer bearer -> {
                Optional<ApiKeyRecord> tenantKey;
                try {
                    tenantKey = lookUp(bearer.token());
                } catch (RuntimeException ex) {
                    yield unavailable(ex);
                }
                yield tenantKey.isPresent()
                        ? refuse(Refusal.forbidden(
                                "Admin key required", "a tenant's API key cannot use the admin endpoints"))
                        : refuse(Refusal.unauthenticated("this is not the admin key", "invalid_token"));
            }
        };
    }

    private Decision withoutKey(String remoteAddress) {
        return switch (properties.mode()) {
            case KEYS_REQUIRED ->
                refuse(Refusal.unauthenticated("this llmq requires an API key: 'Authorization: Bearer <key>'", ""));
            case OPEN -> new Decision.Admit(Caller.LOCAL);
            case LOOPBACK_ONLY ->
                isLoopback(remoteAddress)
                        ? new Decision.Admit(Caller.LOCAL)
                        : refuse(Refusal.forbidden(
                                "Protected mode",
                                "llmq is in protected mode: no API keys are configured, so it serves only clients on"
                                        + " this host (loopback). To serve other hosts, set LLMQ_API_ADMIN_KEY and"
                                        + " create API keys with POST /admin/keys, or, on a trusted network only, set"
                                        + " LLMQ_API_PROTECTED_MODE=false."));
        };
    }

    private Decision withKey(String token, String remoteAddress) {
        try {
            Optional<ApiKeyRecord> key = lookUp(token);
            if (key.isEmpty()) {
                log.debug("Refused an unknown or revoked API key from {}", remoteAddress);
                return refuse(
                        Refusal.unauthenticated("the API key is not valid (unknown or revoked)", "invalid_token"));
            }
            TenantQuotas.Admission admission = quotas.admit(key.get().tenant(), properties.defaultLimits());
            if (!admission.admitted()) {
                log.debug(
                        "Tenant {} over its request rate (key {})",
                        key.get().tenant(),
                        key.get().id());
                return refuse(Refusal.tooManyRequests(
                        admission.retryAfter(), admission.limits().requestsPerMinute()));
            }
            return new Decision.Admit(
                    new Caller(key.get().tenant(), admission.limits().maxInFlight()));
        } catch (RuntimeException ex) {
            return unavailable(ex);
        }
    }

    private Optional<ApiKeyRecord> lookUp(String token) {
        return KeySecrets.looksLikeKey(token) ? keys.findByDigest(KeySecrets.digest(token)) : Optional.empty();
    }

    private static Decision unavailable(RuntimeException ex) {
        log.warn("Cannot check an API key: {}", ex.getMessage());
        return refuse(Refusal.unavailable());
    }

    private static Decision refuse(Refusal refusal) {
        return new Decision.Refuse(refusal);
    }

    /** Only literal addresses (Tomcat does no reverse lookups) of 127.0.0.0/8 or ::1, also IPv4-mapped. */
    static boolean isLoopback(@Nullable String remoteAddress) {
        if (remoteAddress == null || !ADDRESS_LITERAL.matcher(remoteAddress).matches()) {
            return false;
        }
        String literal =
                remoteAddress.contains("%") ? remoteAddress.substring(0, remoteAddress.indexOf('%')) : remoteAddress;
        if (!literal.contains(":") && !IPV4_LITERAL.matcher(literal).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException ex) {
            return false;
        }
    }

    /** The outcome for one request. */
    sealed interface Decision {

        /** Go on as this caller. */
        record Admit(Caller caller) implements Decision {}

        /** Go on to an admin endpoint. */
        record Admin() implements Decision {}

        /** Answer with this problem. */
        record Refuse(Refusal refusal) implements Decision {}
    }
}
