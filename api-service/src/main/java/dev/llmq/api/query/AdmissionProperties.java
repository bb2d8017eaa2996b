package dev.llmq.api.query;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Admission control of one api replica ({@code LLMQ_API_*} in the environment).
 *
 * @param maxConcurrentRequests requests this replica works on at once (a parked wait and the probes do not count); 0
 *     turns admission control off
 * @param admissionWait how long a request beyond them may wait for a place before it is refused with 503
 */
@ConfigurationProperties("llmq.api")
public record AdmissionProperties(
        @DefaultValue("64") int maxConcurrentRequests,
        @DefaultValue("1s") Duration admissionWait) {

    public AdmissionProperties {
        if (maxConcurrentRequests < 0) {
            throw new IllegalArgumentException(
                    "LLMQ_API_MAX_CONCURRENT_REQUESTS must be 0 (no limit) or more: " + maxConcurrentRequests);
        }
        if (admissionWait.isNegative()) {
            throw new IllegalArgumentException("LLMQ_API_ADMISSION_WAIT must not be negative: " + admissionWait);
        }
    }
}
