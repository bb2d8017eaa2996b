package dev.llmq.api.system;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTP hardening settings of the api-service ({@code LLMQ_API_*} in the environment); Tomcat's own limits are the
 * {@code server.*} settings in {@code api-service.properties}.
 *
 * @param bodyReadTimeout the longest a client may take to send a whole request body; slower ones get 408
 * @param corsAllowedOrigins browser origins allowed to call the API ({@code https://app.example.com}, or {@code *});
 *     empty (the default) turns CORS off
 */
@ConfigurationProperties("llmq.api")
public record HttpProperties(
        @DefaultValue("30s") Duration bodyReadTimeout,
        @DefaultValue({}) List<String> corsAllowedOrigins) {

    public HttpProperties {
        if (bodyReadTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("LLMQ_API_BODY_READ_TIMEOUT must be at least 100ms: " + bodyReadTimeout);
        }
        corsAllowedOrigins = corsAllowedOrigins.stream()
                .map(String::strip)
                .filter(origin -> !origin.isEmpty())
                .toList();
        corsAllowedOrigins.forEach(HttpProperties::requireOrigin);
    }

    private static void requireOrigin(String origin) {
        if (origin.equals("*")) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(origin);
        } catch (IllegalArgumentException ex) {
            throw invalidOrigin(origin);
        }
        boolean bare = uri.getHost() != null
                && (uri.getPath() == null || uri.getPath().isEmpty())
                && uri.getQuery() == null
                && uri.getFragment() == null
                && uri.getUserInfo() == null;
        if (!bare || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw invalidOrigin(origin);
        }
    }

    private static IllegalArgumentException invalidOrigin(String origin) {
        return new IllegalArgumentException(
                "LLMQ_API_CORS_ALLOWED_ORIGINS takes origins such as https://app.example.com"
                        + " (scheme, host and optional port), or *; got '" + origin + "'");
    }
}
