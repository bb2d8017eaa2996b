package dev.llmq.e2e.chaos;

import java.util.List;
import java.util.Map;

/**
 * Everything a chaos run gathered, once the load has stopped and the system has drained; {@link ChaosInvariants}
 * judges it. Plain data, so the judgement is unit-tested without processes.
 *
 * @param accepted every query that got a 2xx
 * @param stored the outcome JSON stored at the end, by query id (no entry: none stored)
 * @param seen what {@link OutcomeObserver} saw of each query's outcome writes, by query id
 * @param llmCalls the LLM calls the simulator received, by load index
 * @param repeatAllowances calls beyond the maximum attempts a fault may have caused, by query id
 * @param maxAttempts the workers' {@code LLMQ_WORKER_MAX_ATTEMPTS}
 * @param pending entries still pending in the workers' group, by stream
 * @param unboundedKeys keys that neither expire nor belong to a known bounded set, each with what is wrong
 * @param waits how every waiting client fared
 * @param durabilityGaps windows in which Redis may have lost acknowledged writes
 */
public record ChaosEvidence(
        List<ChaosLoad.Accepted> accepted,
        Map<Long, String> stored,
        Map<Long, OutcomeObserver.Seen> seen,
        Map<Integer, Integer> llmCalls,
        Map<Long, Integer> repeatAllowances,
        int maxAttempts,
        Map<String, Long> pending,
        List<String> unboundedKeys,
        List<ChaosWaiter.Wait> waits,
        List<ChaosTimeline.Window> durabilityGaps) {

    public ChaosEvidence {
        accepted = List.copyOf(accepted);
        stored = Map.copyOf(stored);
        seen = Map.copyOf(seen);
        llmCalls = Map.copyOf(llmCalls);
        repeatAllowances = Map.copyOf(repeatAllowances);
        pending = Map.copyOf(pending);
        unboundedKeys = List.copyOf(unboundedKeys);
        waits = List.copyOf(waits);
        durabilityGaps = List.copyOf(durabilityGaps);
    }

    boolean inGap(long millis) {
        return durabilityGaps.stream().anyMatch(gap -> gap.contains(millis));
    }
}
