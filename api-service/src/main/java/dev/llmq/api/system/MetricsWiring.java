package dev.llmq.api.system;

import dev.llmq.api.metrics.QueryApiMeters;
import dev.llmq.api.metrics.RedisHealthIndicator;
import dev.llmq.api.metrics.RefusedQueryCounter;
import dev.llmq.api.query.Admission;
import dev.llmq.api.query.AnswerStreams;
import dev.llmq.api.query.ResultWaiters;
import dev.llmq.shared.monitoring.RedisCommandMetrics;
import dev.llmq.shared.monitoring.RedisHealth;
import org.redisson.api.RedissonClient;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The api-service's meters and health: submissions, refusals, api-side outcomes, waiters and streams, Redis latency
 * and reachability. The bean name {@code redis} is the health contributor readiness includes.
 */
@Configuration(proxyBeanMethods = false)
class MetricsWiring {

    @Bean
    RedisCommandMetrics redisCommandMetrics() {
        return new RedisCommandMetrics();
    }

    @Bean
    QueryApiMeters queryApiMeters(ResultWaiters waiters, AnswerStreams streams) {
        return new QueryApiMeters(waiters::size, streams::size);
    }

    /** Outside every other filter, so it sees the refusals of the access and body-size filters too. */
    @Bean
    FilterRegistrationBean<RefusedQueryCounter> refusedQueryCounter(QueryApiMeters meters) {
        FilterRegistrationBean<RefusedQueryCounter> registration =
                new FilterRegistrationBean<>(new RefusedQueryCounter(meters));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Right inside the refusal counter and CORS, before every filter that does work (access checks read Redis). */
    @Bean
    FilterRegistrationBean<AdmissionFilter> admissionFilter(Admission admission) {
        FilterRegistrationBean<AdmissionFilter> registration =
                new FilterRegistrationBean<>(new AdmissionFilter(admission));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @Bean(destroyMethod = "close")
    RedisHealth redisHealth(RedissonClient redis, MetricsProperties properties) {
        return new RedisHealth(redis, properties.redisCheckTimeout(), properties.redisCheckInterval());
    }

    @Bean("redis")
    RedisHealthIndicator redisHealthIndicator(RedisHealth health) {
        return new RedisHealthIndicator(health);
    }
}
