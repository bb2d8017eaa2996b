package dev.llmq.api.system;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Cross-origin access for browsers, off unless {@code LLMQ_API_CORS_ALLOWED_ORIGINS} names origins. The filter runs
 * before every other one, so a preflight (which carries no API key) is answered before access checks.
 */
@Configuration(proxyBeanMethods = false)
class CorsWiring {

    /** The paths browsers may call; the admin and management endpoints stay same-origin only. */
    static final List<String> API_PATHS = List.of("/query", "/result", "/result/**", "/v1/**", "/openapi.json");

    @Bean
    FilterRegistrationBean<CorsFilter> corsFilter(HttpProperties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(properties.corsAllowedOrigins());
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "DELETE"));
        cors.setAllowedHeaders(List.of("Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"));
        cors.setExposedHeaders(List.of("Idempotent-Replayed", "Retry-After", "Location"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        API_PATHS.forEach(path -> source.registerCorsConfiguration(path, cors));
        FilterRegistrationBean<CorsFilter> registration = new FilterRegistrationBean<>(new CorsFilter(source));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setEnabled(!properties.corsAllowedOrigins().isEmpty());
        return registration;
    }
}
