package dev.llmq.shared.redis;

import dev.llmq.shared.query.Priority;
import java.util.EnumMap;
import java.util.Map;

/** How much work waits in Redis, read in one round trip: what monitoring samples now and then, never per scrape. */
public interface QueueStats {

    /** The depths of the priority streams, the scheduled retries and the dead letters right now. */
    Sample sample();

    /**
     * One reading.
     *
     * @param streams per priority: entries not yet delivered to any worker (lag) and delivered but not acknowledged
     * @param scheduledRetries retries waiting for their due time
     * @param deadLetters entries in the dead-letter stream
     */
    record Sample(Map<Priority, StreamDepth> streams, long scheduledRetries, long deadLetters) {

        public Sample {
            streams = new EnumMap<>(streams);
            if (streams.size() != Priority.values().length) {
                throw new IllegalArgumentException("a sample needs every priority's stream: " + streams.keySet());
            }
            streams = Map.copyOf(streams);
        }

        public StreamDepth stream(Priority priority) {
            return streams.get(priority);
        }
    }

    /** One priority stream: {@code lag} entries wait for a worker, {@code pending} are held by workers. */
    record StreamDepth(long lag, long pending) {}
}
