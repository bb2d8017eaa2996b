package dev.llmq.api.metrics;

import dev.llmq.api.access.Caller;
import dev.llmq.api.query.Admission;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Counts refused {@code POST /query} requests by the answer they got, wherever it was decided: 429 before a caller was
 * established is the tenant's request rate, 429 after it the in-flight cap; 400, 413, 415 and 422 are invalid input;
 * 503 from {@link Admission} is an overloaded replica.
 * It must run outside every filter that may refuse a request.
 */
public final class RefusedQueryCounter extends OncePerRequestFilter {

    private final QueryApiMeters meters;

    public RefusedQueryCounter(QueryApiMeters meters) {
        this.meters = meters;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !("POST".equals(request.getMethod()) && "/query".equals(request.getRequestURI()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        switch (response.getStatus()) {
            case 429 ->
                meters.refused(
                        request.getAttribute(Caller.ATTRIBUTE) == null
                                ? QueryApiMeters.Refusal.RATE_LIMITED
                                : QueryApiMeters.Refusal.IN_FLIGHT_CAP);
            case 400, 413, 415, 422 -> meters.refused(QueryApiMeters.Refusal.INVALID);
            case 503 -> {
                if (request.getAttribute(Admission.REFUSED) != null) {
                    meters.refused(QueryApiMeters.Refusal.OVERLOADED);
                }
            }
            default -> {
                // accepted, or not the client's doing (401/403 are access refusals, 5xx our failures)
            }
        }
    }
}
