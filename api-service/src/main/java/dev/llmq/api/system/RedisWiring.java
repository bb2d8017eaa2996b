package dev.llmq.api.system;

import dev.llmq.api.metrics.CountingQueryControl;
import dev.llmq.api.metrics.CountingQueryQueue;
import dev.llmq.api.metrics.QueryApiMeters;
import dev.llmq.api.query.AnswerStreams;
import dev.llmq.api.query.ApiProperties;
import dev.llmq.api.query.OwnSubmissions;
import dev.llmq.api.query.ResultWaiters;
import dev.llmq.shared.monitoring.RedisCommandMetrics;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.QueryControl;
import dev.llmq.shared.redis.QueryQueue;
import dev.llmq.shared.redis.RedisAnswerDeltas;
import dev.llmq.shared.redis.RedisClients;
import dev.llmq.shared.redis.RedisQueryControl;
import dev.llmq.shared.redis.RedisQueryQueue;
import dev.llmq.shared.redis.RedisResultNotifications;
import dev.llmq.shared.redis.RedisResultStore;
import dev.llmq.shared.redis.ResultNotifications;
import dev.llmq.shared.redis.ResultStore;
import dev.llmq.shared.redis.TimedRedis;
import io.micrometer.tracing.Tracer;
import java.time.Clock;
import org.redisson.api.RedissonClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Connects the api-service to Redis: one Redisson client, the queue, the result store and the one subscription. */
@Configuration(proxyBeanMethods = false)
class RedisWiring {

    @Bean(destroyMethod = "shutdown")
    RedissonClient redissonClient(RedisProperties properties) {
        return RedisClients.connect(
                properties.environment(), properties.commandTimeout(), properties.poolSize(), "llmq-api");
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    QueryQueue queryQueue(
            RedissonClient redis,
            Clock clock,
            ApiProperties properties,
            RedisProperties redisProperties,
            RedisCommandMetrics timing,
            QueryApiMeters meters,
            Tracer tracer,
            OwnSubmissions own) {
        QueryQueue queue = new RedisQueryQueue(
                redis,
                clock,
                properties.resultTtl(),
                TracedQueryQueue.currentTrace(tracer),
                redisProperties.confirmation(),
                // remembered before it is written: a worker may answer it before the submission returns
                own::submitting);
        // counted outside the send span, which covers the timed Redis work
        return new CountingQueryQueue(
                new TracedQueryQueue(TimedRedis.timed(QueryQueue.class, queue, "query_queue", timing), tracer), meters);
    }

    @Bean
    ResultStore resultStore(RedissonClient redis, RedisCommandMetrics timing) {
        return TimedRedis.timed(ResultStore.class, new RedisResultStore(redis), "result_store", timing);
    }

    /** Its own lookups go to Redis untimed: {@code query_control.cancel} times the whole cancel. */
    @Bean
    QueryControl queryControl(
            RedissonClient redis,
            Clock clock,
            ApiProperties properties,
            RedisProperties redisProperties,
            RedisCommandMetrics timing,
            QueryApiMeters meters) {
        QueryControl control = new RedisQueryControl(
                redis, new RedisResultStore(redis), clock, properties.resultTtl(), redisProperties.confirmation());
        return new CountingQueryControl(TimedRedis.timed(QueryControl.class, control, "query_control", timing), meters);
    }

    @Bean(destroyMethod = "close")
    AnswerDeltas answerDeltas(RedissonClient redis, ApiProperties properties, RedisCommandMetrics timing) {
        return TimedRedis.timed(
                AnswerDeltas.class, new RedisAnswerDeltas(redis, properties.resultTtl()), "answer_deltas", timing);
    }

    /** The replica's two pattern subscriptions, fanned out to every waiting request and open stream. */
    @Bean(destroyMethod = "close")
    ResultNotifications resultNotifications(
            RedissonClient redis,
            AnswerDeltas deltas,
            OwnSubmissions own,
            ResultWaiters waiters,
            AnswerStreams streams) {
        deltas.subscribe(streams);
        ResultNotifications notifications = new RedisResultNotifications(redis);
        notifications.subscribe(new ResultNotifications.Listener() {
            @Override
            public void onOutcome(QueryId id, String json) {
                own.onOutcome(id, json); // before the waits: one that registers after this finds it there
                waiters.onOutcome(id, json);
                streams.onOutcome(id, json);
            }

            @Override
            public void onResubscribed() {
                own.onResubscribed();
                waiters.onResubscribed();
                streams.onResubscribed();
            }
        });
        return notifications;
    }
}
