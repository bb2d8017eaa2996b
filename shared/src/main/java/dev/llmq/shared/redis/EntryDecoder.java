package dev.llmq.shared.redis;

import dev.llmq.shared.query.MalformedProtocolJsonException;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.ProtocolJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stream entries into deliveries. An entry that holds no valid query (written by hand or by a broken client) is
 * copied to the dead-letter stream and removed, so it can neither block the group nor vanish unseen.
 */
final class EntryDecoder {

    private static final int DEAD_LETTERS_KEPT = 10_000;
    private static final Logger log = LoggerFactory.getLogger(EntryDecoder.class);

    private final RedissonClient redis;
    private final String consumer;

    EntryDecoder(RedissonClient redis, String consumer) {
        this.redis = redis;
        this.consumer = consumer;
    }

    /**
     * Decodes entries read from the stream of {@code stream}; {@code deliveryCounts} holds counts for claimed entries
     * (by entry id), entries not in it are first deliveries.
     */
    List<Delivery> decode(
            Priority stream, Map<StreamMessageId, Map<String, String>> entries, Map<String, Long> deliveryCounts) {
        List<Delivery> deliveries = new ArrayList<>(entries.size());
        for (var entry : entries.entrySet()) {
            String entryId = EntryIds.of(stream, entry.getKey());
            String json = entry.getValue().getOrDefault(RedisKeys.QUERY_FIELD, "");
            try {
                deliveries.add(new Delivery(
                        entryId, ProtocolJson.decodeQuery(json), deliveryCounts.getOrDefault(entryId, 1L)));
            } catch (MalformedProtocolJsonException ex) {
                deadLetter(stream, entry.getKey(), entry.getValue(), ex);
            }
        }
        return deliveries;
    }

    private void deadLetter(
            Priority stream, StreamMessageId id, Map<String, String> fields, MalformedProtocolJsonException ex) {
        log.error(
                "Stream entry {} holds no valid query; moved to {}: {}",
                EntryIds.of(stream, id),
                RedisKeys.DEAD_LETTER_STREAM,
                ex.getMessage());
        RBatch batch = redis.createBatch(BatchOptions.defaults());
        batch.<String, String>getStream(RedisKeys.DEAD_LETTER_STREAM, StringCodec.INSTANCE)
                .addAsync(StreamAddArgs.entries(Map.of(
                                "entry", EntryIds.of(stream, id),
                                "fields", fields.toString(),
                                "reason", String.valueOf(ex.getMessage()),
                                "consumer", consumer))
                        .trimNonStrict()
                        .maxLen(DEAD_LETTERS_KEPT)
                        .noLimit());
        var entries = batch.<String, String>getStream(RedisKeys.queryStream(stream), StringCodec.INSTANCE);
        entries.ackAsync(RedisKeys.WORKER_GROUP, id);
        entries.removeAsync(id);
        batch.execute();
    }
}
