package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.PatternMessageListener;
import org.redisson.api.listener.PatternStatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Holds one {@code PSUBSCRIBE query_result_*} on Redisson's shared subscription connection. */
public final class RedisResultNotifications implements ResultNotifications {

    private static final Logger log = LoggerFactory.getLogger(RedisResultNotifications.class);

    private final RPatternTopic topic;
    private final AtomicInteger subscriptions = new AtomicInteger();

    public RedisResultNotifications(RedissonClient redis) {
        this.topic = redis.getPatternTopic(RedisKeys.RESULT_CHANNEL_PATTERN, StringCodec.INSTANCE);
    }

    @Override
    public void subscribe(Listener listener) {
        topic.addListener(new PatternStatusListener() {
            @Override
            public void onPSubscribe(String pattern) {
                if (subscriptions.getAndIncrement() > 0) {
                    log.info("Re-subscribed to {} after a Redis reconnect; waiters re-read their results", pattern);
                    listener.onResubscribed();
                }
            }

            @Override
            public void onPUnsubscribe(String pattern) {
                log.warn("Lost the subscription to {}", pattern);
            }
        });
        topic.addListener(String.class, (PatternMessageListener<String>) (pattern, channel, json) -> {
            QueryId id = RedisKeys.idOfResultChannel(channel.toString());
            if (id != null) {
                listener.onOutcome(id, json);
            }
        });
    }

    @Override
    public void close() {
        topic.removeAllListeners();
    }
}
