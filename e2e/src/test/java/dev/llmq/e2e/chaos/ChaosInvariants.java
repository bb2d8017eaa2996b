package dev.llmq.e2e.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Judges a chaos run's {@link ChaosEvidence} against llmq's guarantees: every accepted query has exactly one terminal
 * outcome, written once and never replaced; LLM calls per query stay within the maximum attempts (plus one per call a
 * fault cut off); no entry is left pending; every key expires or is bounded; every waiting client got its result or a
 * timely 202, and the result it got is the one stored. What Redis may have lost in a durability gap is counted apart.
 */
public final class ChaosInvariants {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SAMPLES = 5;

    private ChaosInvariants() {}

    public static ChaosSummary check(ChaosEvidence evidence, String faults) {
        List<String> violations = new ArrayList<>();
        Map<Long, ChaosLoad.Accepted> firstAcceptance = new HashMap<>();
        List<Long> reissued = new ArrayList<>();
        List<Long> reissuedInGap = new ArrayList<>();
        for (ChaosLoad.Accepted query : evidence.accepted()) {
            ChaosLoad.Accepted earlier = firstAcceptance.putIfAbsent(query.id(), query);
            if (earlier != null) {
                ChaosLoad.Accepted first = earlier.acceptedAtMillis() <= query.acceptedAtMillis() ? earlier : query;
                (evidence.inGap(first.acceptedAtMillis()) ? reissuedInGap : reissued).add(query.id());
            }
        }
        report(violations, reissued, "ids handed out twice");

        List<Long> lost = new ArrayList<>();
        List<Long> lostInGap = new ArrayList<>();
        for (ChaosLoad.Accepted query : firstAcceptance.values()) {
            if (!evidence.stored().containsKey(query.id())) {
                (evidence.inGap(query.acceptedAtMillis()) ? lostInGap : lost).add(query.id());
            }
        }
        report(violations, lost, "accepted queries without an outcome");

        List<String> duplicates = new ArrayList<>();
        List<Long> overwritten = new ArrayList<>();
        List<Long> rewrittenInGap = new ArrayList<>();
        for (long id : firstAcceptance.keySet()) {
            OutcomeObserver.Seen seen = evidence.seen().get(id);
            String stored = evidence.stored().get(id);
            if (seen == null || seen.firstValue() == null) {
                continue;
            }
            boolean twice = seen.writes() > 1 || seen.publishes() > 1;
            boolean replaced = stored != null && !stored.equals(seen.firstValue());
            if ((twice || replaced) && evidence.inGap(seen.firstSeenMillis())) {
                rewrittenInGap.add(id);
            } else {
                if (twice) {
                    duplicates.add(id + " (" + seen.writes() + " writes, " + seen.publishes() + " messages)");
                }
                if (replaced) {
                    overwritten.add(id);
                }
            }
        }
        report(violations, duplicates, "queries whose outcome was written or published more than once");
        report(violations, overwritten, "queries whose stored outcome differs from the first one published");

        List<String> overMax = new ArrayList<>();
        for (ChaosLoad.Accepted query : firstAcceptance.values()) {
            int calls = evidence.llmCalls().getOrDefault(query.index(), 0);
            int allowed = evidence.maxAttempts() + evidence.repeatAllowances().getOrDefault(query.id(), 0);
            if (calls > allowed) {
                overMax.add(query.id() + " (" + calls + " calls, " + allowed + " allowed)");
            }
        }
        report(
                violations,
                overMax,
                "queries with more LLM calls than the maximum attempts (plus one per fault that caught them in progress)");

        long orphaned =
                evidence.pending().values().stream().mapToLong(Long::longValue).sum();
        if (orphaned > 0) {
            violations.add("entries left pending after the run drained: " + evidence.pending());
        }
        if (!evidence.unboundedKeys().isEmpty()) {
            violations.add("keys without a TTL outside the known bounded sets: "
                    + evidence.unboundedKeys().stream().limit(SAMPLES).toList());
        }

        Predicate<Long> lostInAGap = lostInGap::contains;
        int timely = 0;
        int tolerated = 0;
        List<String> badWaits = new ArrayList<>();
        for (ChaosWaiter.Wait wait : evidence.waits()) {
            String stored = evidence.stored().get(wait.id());
            if (wait.kind().timely() && (wait.body() == null || sameOutcome(wait.body(), stored))) {
                timely++;
            } else if (lostInAGap.test(wait.id())) {
                tolerated++;
            } else {
                badWaits.add(wait.id() + ":" + wait.kind() + (wait.kind().timely() ? " (not the stored outcome)" : "")
                        + " " + wait.detail() + " after " + wait.elapsedMillis() + " ms");
            }
        }
        if (!badWaits.isEmpty()) {
            violations.add(badWaits.size() + " waiting clients without their result or a timely 202: "
                    + badWaits.stream().limit(SAMPLES).toList());
        }

        return new ChaosSummary(
                firstAcceptance.size(),
                (int) firstAcceptance.keySet().stream()
                        .filter(evidence.stored()::containsKey)
                        .count(),
                lost.size(),
                lostInGap.size(),
                duplicates.size(),
                overwritten.size(),
                rewrittenInGap.size(),
                reissued.size(),
                reissuedInGap.size(),
                overMax.size(),
                orphaned,
                evidence.unboundedKeys().size(),
                timely,
                evidence.waits().size(),
                tolerated,
                faults,
                violations);
    }

    private static void report(List<String> violations, List<?> queries, String what) {
        if (!queries.isEmpty()) {
            violations.add(queries.size() + " " + what + ", e.g. "
                    + queries.stream()
                            .map(String::valueOf)
                            .sorted()
                            .limit(SAMPLES)
                            .toList());
        }
    }

    /** Whether a {@code GET /result} body shows the stored outcome (same status, same completion time). */
    static boolean sameOutcome(String body, String stored) {
        if (stored == null) {
            return false;
        }
        JsonNode shown = JSON.readTree(body);
        JsonNode kept = JSON.readTree(stored);
        return Objects.equals(text(shown, "status"), text(kept, "status"))
                && Objects.equals(text(shown, "completed_at"), text(kept, "completed_at"));
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).asString(null);
    }
}
