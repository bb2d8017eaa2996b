package dev.llmq.shared.access;

/**
 * A tenant's limits: requests per minute across all replicas, and unfinished queries at once; 0 means no cap.
 *
 * @param requestsPerMinute at most {@link #MAX_REQUESTS_PER_MINUTE} (each request is remembered for a minute)
 * @param maxInFlight at most {@link #MAX_IN_FLIGHT}
 */
public record TenantLimits(int requestsPerMinute, int maxInFlight) {

    public static final int MAX_REQUESTS_PER_MINUTE = 100_000;
    public static final int MAX_IN_FLIGHT = 1_000_000;

    public TenantLimits {
        if (requestsPerMinute < 0 || requestsPerMinute > MAX_REQUESTS_PER_MINUTE) {
            throw new IllegalArgumentException("requests_per_minute must be 0 (no cap) to " + MAX_REQUESTS_PER_MINUTE
                    + "; got " + requestsPerMinute);
        }
        if (maxInFlight < 0 || maxInFlight > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException(
                    "max_in_flight must be 0 (no cap) to " + MAX_IN_FLIGHT + "; got " + maxInFlight);
        }
    }
}
