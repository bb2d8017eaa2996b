package dev.llmq.api.access;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says at startup, in one line, who this api-service will serve; loudly when that is anyone without a key. */
@Component
class AccessModeAnnouncer {

    private static final Logger log = LoggerFactory.getLogger(AccessModeAnnouncer.class);

    private final AccessProperties properties;

    AccessModeAnnouncer(AccessProperties properties) {
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void announce() {
        switch (properties.mode()) {
            case KEYS_REQUIRED ->
                log.info(
                        "API keys required: every endpoint but health and metrics needs 'Authorization: Bearer <key>'; manage"
                                + " keys at /admin/keys with the admin key. Tenant defaults: {} requests per minute,"
                                + " {} queries in flight (0: no cap)",
                        properties.tenantRequestsPerMinute(),
                        properties.tenantMaxInFlight());
            case LOOPBACK_ONLY ->
                log.warn("llmq is running in protected mode because no API keys are configured: only clients on this"
                        + " host (127.0.0.0/8, ::1) are served, as tenant 'local'; others get 403. To serve other"
                        + " hosts, set LLMQ_API_ADMIN_KEY and create API keys with POST /admin/keys, or set"
                        + " LLMQ_API_PROTECTED_MODE=false on a trusted network only.");
            case OPEN ->
                log.warn("PROTECTED MODE IS OFF (LLMQ_API_PROTECTED_MODE=false) and no API keys are configured:"
                        + " every client that can reach this port is served without a key, as tenant 'local'. Set"
                        + " LLMQ_API_ADMIN_KEY and create API keys unless this network is fully trusted.");
        }
    }
}
