package dev.llmq.api.access;

import dev.llmq.shared.logging.QueryLogContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Establishes the {@link Caller} of every request before anything else reads it: health probes and the Prometheus
 * scrape (closed-set tags, no ids or texts) pass freely, admin
 * endpoints need the admin key, everything else a tenant's key or (without keys) a loopback address; CORS preflights
 * pass, as they carry no credentials and reach no controller. Refusals are
 * written here as problem JSON, since filters run outside the controller advice.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 100)
class AccessFilter extends OncePerRequestFilter {

    /** Set on requests the admin key let through; the admin controllers check it again. */
    static final String ADMIN_ATTRIBUTE = AccessFilter.class.getName() + ".admin";

    /** Exact raw paths only, so no encoding or path parameter makes another endpoint look like a probe. */
    private static final Set<String> OPEN_PATHS = Set.of(
            "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/prometheus");

    private final AccessPolicy policy;
    private final JsonMapper json = JsonMapper.builder().build();

    AccessFilter(AccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI();
        // a CORS preflight carries no credentials and never reaches a controller; CORS settings answer it
        if (OPEN_PATHS.contains(path) || CorsUtils.isPreFlightRequest(request)) {
            chain.doFilter(request, response);
            return;
        }
        Credentials credentials = Credentials.of(request);
        AccessPolicy.Decision decision = isAdminPath(request)
                ? policy.forAdmin(credentials)
                : policy.forApi(credentials, request.getRemoteAddr());
        switch (decision) {
            case AccessPolicy.Decision.Admit admit -> {
                request.setAttribute(Caller.ATTRIBUTE, admit.caller());
                // every line logged while handling the request names its tenant (and its query, once known)
                try (var logContext = QueryLogContext.open(admit.caller().tenant())) {
                    chain.doFilter(request, response);
                }
            }
            case AccessPolicy.Decision.Admin admin -> {
                request.setAttribute(ADMIN_ATTRIBUTE, Boolean.TRUE);
                chain.doFilter(request, response);
            }
            case AccessPolicy.Decision.Refuse refuse -> write(refuse.refusal(), request, response);
        }
    }

    /** By the raw and the decoded path, so that no spelling of an admin path escapes the admin check. */
    private static boolean isAdminPath(HttpServletRequest request) {
        return isAdmin(request.getRequestURI()) || isAdmin(request.getServletPath());
    }

    private static boolean isAdmin(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        return lower.equals("/admin") || lower.startsWith("/admin/") || lower.startsWith("/admin;");
    }

    private void write(Refusal refusal, HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(refusal.status().value());
        refusal.headers().forEach(response::setHeader);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", refusal.title());
        problem.put("status", refusal.status().value());
        problem.put("detail", refusal.detail());
        if (request.getRequestURI().startsWith("/v1/")) {
            problem.put("error", openAiError(refusal));
        }
        json.writeValue(response.getOutputStream(), problem);
    }

    /** OpenAI's error member, as every problem under {@code /v1/} carries, so the SDKs show the message. */
    private static Map<String, @Nullable Object> openAiError(Refusal refusal) {
        Map<String, @Nullable Object> error = new LinkedHashMap<>();
        error.put("message", refusal.detail());
        error.put(
                "type",
                switch (refusal.status()) {
                    case UNAUTHORIZED -> "authentication_error";
                    case FORBIDDEN -> "permission_error";
                    case TOO_MANY_REQUESTS -> "rate_limit_error";
                    default -> "server_error";
                });
        error.put("param", null);
        error.put(
                "code",
                switch (refusal.status()) {
                    case UNAUTHORIZED -> "invalid_api_key";
                    case TOO_MANY_REQUESTS -> "rate_limit_exceeded";
                    default -> null;
                });
        return error;
    }
}
