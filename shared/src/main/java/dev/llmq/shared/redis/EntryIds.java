package dev.llmq.shared.redis;

import dev.llmq.shared.query.Priority;
import org.redisson.api.stream.StreamMessageId;

/**
 * A worker's names for stream entries across the priority streams: the entry id as Redis gives it for the normal
 * stream (as before priorities existed), prefixed with {@code high:} or {@code low:} for the others.
 */
final class EntryIds {

    private EntryIds() {}

    static String of(Priority stream, StreamMessageId id) {
        return switch (stream) {
            case NORMAL -> id.toString();
            case HIGH, LOW -> stream.wireName() + ":" + id;
        };
    }

    /** The stream the entry lives in. */
    static Priority streamOf(String entryId) {
        int colon = entryId.indexOf(':');
        return colon < 0 ? Priority.NORMAL : Priority.fromWireName(entryId.substring(0, colon));
    }

    static String streamKeyOf(String entryId) {
        return RedisKeys.queryStream(streamOf(entryId));
    }

    /** The id Redis knows the entry by within its stream. */
    static StreamMessageId idOf(String entryId) {
        String id = entryId.substring(entryId.indexOf(':') + 1);
        int dash = id.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("not a stream entry id: " + entryId);
        }
        return new StreamMessageId(
                Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1)));
    }
}
