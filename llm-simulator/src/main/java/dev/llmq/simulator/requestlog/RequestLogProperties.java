package dev.llmq.simulator.requestlog;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The request log's settings, under {@code llmq.simulator.request-log}: how many entries it keeps. */
@ConfigurationProperties("llmq.simulator.request-log")
record RequestLogProperties(@DefaultValue("10000") int capacity) {

    RequestLogProperties {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "llmq.simulator.request-log.capacity must be at least 1, got " + capacity);
        }
    }
}
