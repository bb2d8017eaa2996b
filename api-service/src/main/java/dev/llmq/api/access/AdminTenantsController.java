package dev.llmq.api.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmq.shared.access.TenantLimits;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.TenantQuotas;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A tenant's limits with the admin key: {@code PUT} and {@code GET /admin/tenants/{tenant}}. */
@RestController
class AdminTenantsController {

    private static final Logger log = LoggerFactory.getLogger(AdminTenantsController.class);

    private final TenantQuotas quotas;
    private final AccessProperties properties;

    AdminTenantsController(TenantQuotas quotas, AccessProperties properties) {
        this.quotas = quotas;
        this.properties = properties;
    }

    @ModelAttribute
    void requireAdmin(HttpServletRequest request) {
        AdminGuard.requireAdmin(request);
    }

    /** Sets the tenant's limits; they apply from its next request on every replica. */
    @PutMapping(
            path = "/admin/tenants/{tenant}",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    LimitsView put(@PathVariable("tenant") String tenantText, @RequestBody LimitsRequest request) {
        TenantId tenant = Tenants.parse(tenantText);
        TenantLimits limits = request.limits();
        quotas.put(tenant, limits);
        log.info(
                "Set limits of tenant {}: {} requests per minute, {} in flight",
                tenant,
                limits.requestsPerMinute(),
                limits.maxInFlight());
        return LimitsView.of(tenant, limits, "tenant");
    }

    /** The tenant's limits in force: its own, or the defaults. */
    @GetMapping(path = "/admin/tenants/{tenant}", produces = MediaType.APPLICATION_JSON_VALUE)
    LimitsView get(@PathVariable("tenant") String tenantText) {
        TenantId tenant = Tenants.parse(tenantText);
        Optional<TenantLimits> own = quotas.find(tenant);
        return own.map(limits -> LimitsView.of(tenant, limits, "tenant"))
                .orElseGet(() -> LimitsView.of(tenant, properties.defaultLimits(), "defaults"));
    }

    /** The body of {@code PUT /admin/tenants/{tenant}}: both limits, 0 meaning no cap. */
    record LimitsRequest(
            @JsonProperty("requests_per_minute") @Nullable Integer requestsPerMinute,
            @JsonProperty("max_in_flight") @Nullable Integer maxInFlight) {

        TenantLimits limits() {
            if (requestsPerMinute == null || maxInFlight == null) {
                throw AdminRequestException.invalid("'requests_per_minute' and 'max_in_flight' are both required");
            }
            try {
                return new TenantLimits(requestsPerMinute, maxInFlight);
            } catch (IllegalArgumentException ex) {
                throw AdminRequestException.invalid(ex.getMessage());
            }
        }
    }

    /** A tenant's limits and where they come from ({@code tenant} or {@code defaults}). */
    record LimitsView(
            String tenant,
            @JsonProperty("requests_per_minute") int requestsPerMinute,
            @JsonProperty("max_in_flight") int maxInFlight,
            String source) {

        static LimitsView of(TenantId tenant, TenantLimits limits, String source) {
            return new LimitsView(tenant.value(), limits.requestsPerMinute(), limits.maxInFlight(), source);
        }
    }
}
