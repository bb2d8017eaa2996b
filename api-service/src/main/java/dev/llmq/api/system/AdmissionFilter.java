package dev.llmq.api.system;

import dev.llmq.api.query.Admission;
import dev.llmq.api.query.OverloadedException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Holds every request to {@link Admission} before any other work is done for it (access checks read Redis too), and
 * refuses one that finds no place in time with 503 and {@code Retry-After}. {@code GET /result} and
 * {@code GET /result/stream} take their place in the controller, only while they read Redis, since a parked wait
 * costs no CPU; {@code /actuator} is never held back, so probes and scrapes answer while the replica is busy.
 */
final class AdmissionFilter extends OncePerRequestFilter {

    private final Admission admission;
    private final JsonMapper json = JsonMapper.builder().build();

    AdmissionFilter(Admission admission) {
        this.admission = admission;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/result") || path.equals("/result/stream") || path.startsWith("/actuator");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!admission.enter()) {
            request.setAttribute(Admission.REFUSED, Boolean.TRUE);
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            ProblemResponses.write(request, response, ProblemResponses.overloaded(new OverloadedException()), json);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            admission.leave();
        }
    }
}
