package dev.llmq.shared.redis;

import dev.llmq.shared.query.QueryId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.PatternMessageListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answer pieces kept in {@code llmq:partial:{query_result_<id>}} (APPEND, deleted with the outcome) and announced on
 * {@code query_delta_<id>} as {@code {"offset":n,"text":"..."}}; offsets count UTF-8 bytes, as Redis does.
 */
public final class RedisAnswerDeltas implements AnswerDeltas {

    private static final Logger log = LoggerFactory.getLogger(RedisAnswerDeltas.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RedissonClient redis;
    private final Duration ttl;
    private final RPatternTopic topic;
    private volatile boolean closed;

    /** {@code ttl} bounds how long a partial answer outlives a worker that died while streaming it. */
    public RedisAnswerDeltas(RedissonClient redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
        this.topic = redis.getPatternTopic(RedisKeys.DELTA_CHANNEL_PATTERN, StringCodec.INSTANCE);
    }

    @Override
    public void append(QueryId id, int offset, String text) {
        Long length = redis.getScript(StringCodec.INSTANCE)
                .eval(
                        RScript.Mode.READ_WRITE,
                        Scripts.APPEND_DELTA,
                        RScript.ReturnType.LONG,
                        List.of(RedisKeys.partialAnswerKey(id)),
                        Integer.toString(offset),
                        text,
                        Long.toString(ttl.toMillis()),
                        RedisKeys.deltaChannel(id));
        if (length != null && length < 0) {
            log.debug("query={} piece at {} does not continue the partial answer; skipped", id, offset);
        }
    }

    @Override
    public String readFrom(QueryId id, int offset) {
        String text = redis.<String>getBucket(RedisKeys.partialAnswerKey(id), StringCodec.INSTANCE)
                .get();
        return text == null ? "" : fromByte(text, offset);
    }

    /** The part of {@code text} from UTF-8 byte {@code offset} on. */
    public static String fromByte(String text, int offset) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (offset <= 0) {
            return text;
        }
        if (offset >= bytes.length) {
            return "";
        }
        return new String(bytes, offset, bytes.length - offset, StandardCharsets.UTF_8);
    }

    /** The length of {@code text} in UTF-8 bytes: the unit of offsets. */
    public static int byteLength(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Override
    public void subscribe(Listener listener) {
        Subscriptions.subscribeWithRetry(
                RedisKeys.DELTA_CHANNEL_PATTERN, () -> addListener(listener), topic::removeAllListeners, () -> closed);
    }

    private void addListener(Listener listener) {
        topic.addListener(String.class, (PatternMessageListener<String>) (pattern, channel, message) -> {
            QueryId id = RedisKeys.idOfDeltaChannel(channel.toString());
            if (id == null) {
                return;
            }
            try {
                JsonNode node = JSON.readTree(message);
                listener.onDelta(
                        id, node.get("offset").asInt(), node.get("text").asString());
            } catch (JacksonException | NullPointerException ex) {
                log.warn("Ignoring a malformed answer piece on {}", channel);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        topic.removeAllListeners();
    }
}
