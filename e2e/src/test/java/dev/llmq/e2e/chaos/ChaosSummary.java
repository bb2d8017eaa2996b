package dev.llmq.e2e.chaos;

import java.util.List;

/**
 * The verdict on a chaos run: one count per invariant and the violations found, each naming some of the queries
 * involved. Counts marked "in a durability gap" are measured and printed but tolerated (see {@link
 * ChaosTimeline#durabilityGap}); every other count must be zero.
 */
public record ChaosSummary(
        int accepted,
        int terminal,
        int lost,
        int lostInGap,
        int duplicateOutcomes,
        int overwritten,
        int rewrittenInGap,
        int reissuedIds,
        int reissuedInGap,
        int overMaxAttempts,
        long orphanedPending,
        int unboundedKeys,
        int waitersTimely,
        int waiters,
        int waitersToleratedInGap,
        String faults,
        List<String> violations) {

    public ChaosSummary {
        violations = List.copyOf(violations);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    /** The one summary line, e.g. {@code chaos: accepted=1834 terminal=1834 ... -> OK}. */
    public String line() {
        return "chaos: accepted=" + accepted + " terminal=" + terminal + " lost=" + lost + inGap(lostInGap)
                + " duplicate-outcomes=" + duplicateOutcomes + " overwritten=" + overwritten + inGap(rewrittenInGap)
                + " reissued-ids=" + reissuedIds + inGap(reissuedInGap) + " over-max-attempts=" + overMaxAttempts
                + " orphaned-pending=" + orphanedPending
                + " unbounded-keys=" + unboundedKeys + " waiters=" + waitersTimely + "/" + waiters + " timely"
                + (waitersToleratedInGap > 0 ? " (+" + waitersToleratedInGap + " of lost queries)" : "")
                + " faults=[" + faults + "] -> " + (ok() ? "OK" : "FAILED");
    }

    private static String inGap(int count) {
        return count > 0 ? " (+" + count + " in a durability gap)" : "";
    }

    @Override
    public String toString() {
        return ok() ? line() : line() + "\n  " + String.join("\n  ", violations);
    }
}
