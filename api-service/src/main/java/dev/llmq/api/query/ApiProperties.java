package dev.llmq.api.query;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the api-service ({@code LLMQ_API_*} in the environment).
 *
 * @param resultWait how long {@code GET /result} waits when the client gives no {@code wait}
 * @param resultWaitMax the longest wait a client may ask for; longer asks are cut to this
 * @param maxBodySize the largest request body accepted; larger ones get 413
 * @param resultTtl how long results (and the status of unfinished queries) are kept in Redis
 */
@ConfigurationProperties("llmq.api")
public record ApiProperties(
        @DefaultValue("30s") Duration resultWait,
        @DefaultValue("120s") Duration resultWaitMax,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("24h") Duration resultTtl) {

    public ApiProperties {
        if (resultWait.isNegative() || resultWaitMax.isNegative() || resultWait.compareTo(resultWaitMax) > 0) {
            throw new IllegalArgumentException("set LLMQ_API_RESULT_WAIT between 0 and LLMQ_API_RESULT_WAIT_MAX ("
                    + resultWaitMax + "); got " + resultWait);
        }
        if (maxBodySize.toBytes() < 1) {
            throw new IllegalArgumentException("LLMQ_API_MAX_BODY_SIZE must be positive: " + maxBodySize);
        }
        if (resultTtl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("LLMQ_API_RESULT_TTL must be at least 1s: " + resultTtl);
        }
    }
}
