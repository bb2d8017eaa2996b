package dev.llmq.api.batch;

import dev.llmq.api.access.Caller;
import dev.llmq.shared.query.TenantId;
import jakarta.servlet.Filter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Lets tests act as a named tenant through a header, standing in for the API-key access filter until it lands: the
 * filter sets the same request attribute the access filter will.
 */
@TestConfiguration(proxyBeanMethods = false)
class TestTenants {

    static final String HEADER = "X-Test-Tenant";

    @Bean
    FilterRegistrationBean<Filter> testTenantFilter() {
        Filter filter = (request, response, chain) -> {
            var http = (jakarta.servlet.http.HttpServletRequest) request;
            String tenant = http.getHeader(HEADER);
            if (tenant != null) {
                request.setAttribute(Caller.ATTRIBUTE, new Caller(new TenantId(tenant), 0));
            }
            chain.doFilter(request, response);
        };
        return new FilterRegistrationBean<>(filter);
    }
}
