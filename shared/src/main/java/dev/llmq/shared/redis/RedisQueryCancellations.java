package dev.llmq.shared.redis;

import dev.llmq.shared.query.InvalidQueryIdException;
import dev.llmq.shared.query.QueryId;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.MessageListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on {@link RedisKeys#CANCELLATIONS_CHANNEL}. A cancel published while this worker was disconnected is missed
 * here, which only means the call runs to its end: the cancelled outcome was stored first and stands either way.
 */
public final class RedisQueryCancellations implements QueryCancellations {

    private static final Logger log = LoggerFactory.getLogger(RedisQueryCancellations.class);

    private final RTopic topic;
    private volatile boolean closed;

    public RedisQueryCancellations(RedissonClient redis) {
        this.topic = redis.getTopic(RedisKeys.CANCELLATIONS_CHANNEL, StringCodec.INSTANCE);
    }

    @Override
    public void subscribe(Consumer<QueryId> onCancelled) {
        Subscriptions.subscribeWithRetry(
                RedisKeys.CANCELLATIONS_CHANNEL,
                () -> topic.addListener(String.class, (MessageListener<String>) (channel, id) -> {
                    try {
                        onCancelled.accept(QueryId.parse(id));
                    } catch (InvalidQueryIdException ex) {
                        log.warn("Ignoring a cancellation that names no query id on {}", channel);
                    }
                }),
                topic::removeAllListeners,
                () -> closed);
    }

    @Override
    public void close() {
        closed = true;
        topic.removeAllListeners();
    }
}
