package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.PatternMessageListener;
import org.redisson.api.listener.PatternStatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one {@code PSUBSCRIBE query_result_*} on Redisson's shared subscription connection. If Redis is down when the
 * process starts, it keeps trying in the background; the first subscription and every resubscription tell the listener
 * to re-read.
 */
public final class RedisResultNotifications implements ResultNotifications {

    private static final Logger log = LoggerFactory.getLogger(RedisResultNotifications.class);

    private final RPatternTopic topic;
    private volatile boolean closed;

    public RedisResultNotifications(RedissonClient redis) {
        this.topic = redis.getPatternTopic(RedisKeys.RESULT_CHANNEL_PATTERN, StringCodec.INSTANCE);
    }

    @Override
    public void subscribe(Listener listener) {
        Subscriptions.subscribeWithRetry(
                RedisKeys.RESULT_CHANNEL_PATTERN,
                () -> addListeners(listener),
                topic::removeAllListeners,
                () -> closed);
    }

    private void addListeners(Listener listener) {
        topic.addListener(String.class, (PatternMessageListener<String>) (pattern, channel, json) -> {
            QueryId id = RedisKeys.idOfResultChannel(channel.toString());
            if (id != null) {
                listener.onOutcome(id, json);
            }
        });
        topic.addListener(new PatternStatusListener() {
            @Override
            public void onPSubscribe(String pattern) {
                log.info("Subscribed to {}; waiters re-read their results", pattern);
                listener.onResubscribed();
            }

            @Override
            public void onPUnsubscribe(String pattern) {
                log.warn("Lost the subscription to {}", pattern);
            }
        });
        log.info("Listening for results on {}", RedisKeys.RESULT_CHANNEL_PATTERN);
        // the first subscription was made by the first addListener, before the status listener was there to hear it
        // (as was any resubscription in between): from here on every outcome is delivered
        listener.onResubscribed();
    }

    @Override
    public void close() {
        closed = true;
        topic.removeAllListeners();
    }
}
