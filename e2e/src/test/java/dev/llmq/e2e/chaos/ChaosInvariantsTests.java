package dev.llmq.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosInvariantsTests {

    private static final String ANSWER = outcome("succeeded", "2026-12-01T10:00:01Z");
    private static final String OTHER_ANSWER = outcome("succeeded", "2026-12-01T10:00:09Z");

    private final Map<Long, String> stored = new HashMap<>(Map.of(1L, ANSWER, 2L, ANSWER));
    private final Map<Long, OutcomeObserver.Seen> seen = new HashMap<>(Map.of(
            1L, new OutcomeObserver.Seen(ANSWER, 1_000, 1, 1), 2L, new OutcomeObserver.Seen(ANSWER, 1_000, 1, 1)));
    private final Map<Integer, Integer> calls = new HashMap<>(Map.of(0, 1, 1, 3));
    private final Map<Long, Integer> allowances = new HashMap<>();
    private final Map<String, Long> pending = new HashMap<>(Map.of("{llmq}:queries", 0L));
    private List<ChaosLoad.Accepted> accepted = List.of(accepted(0, 1, 500), accepted(1, 2, 600));
    private List<ChaosWaiter.Wait> waits = List.of(wait(1, ChaosWaiter.Kind.RESULT, ANSWER));
    private List<ChaosTimeline.Window> gaps = List.of();

    @Test
    void aCleanRunIsOkAndSaysSoOnOneLine() {
        ChaosSummary summary = check();

        assertThat(summary.violations()).isEmpty();
        assertThat(summary.line())
                .isEqualTo("chaos: accepted=2 terminal=2 lost=0 duplicate-outcomes=0 overwritten=0 reissued-ids=0"
                        + " over-max-attempts=0 orphaned-pending=0 unbounded-keys=0 waiters=1/1 timely"
                        + " faults=[kill-worker x1] -> OK");
    }

    @Test
    void anAcceptedQueryWithoutAnOutcomeIsLostUnlessAcceptedInADurabilityGap() {
        stored.remove(2L);
        assertThat(check().lost()).isEqualTo(1);
        assertThat(check().ok()).isFalse();

        gaps = List.of(new ChaosTimeline.Window(550, 700));
        assertThat(check().lost()).isZero();
        assertThat(check().lostInGap()).isEqualTo(1);
        assertThat(check().ok()).isTrue();
    }

    @Test
    void aSecondWriteOrPublishIsADuplicateAndADifferentFinalValueAnOverwrite() {
        seen.put(1L, new OutcomeObserver.Seen(ANSWER, 1_000, 2, 1));
        stored.put(2L, OTHER_ANSWER);

        ChaosSummary summary = check();

        assertThat(summary.duplicateOutcomes()).isEqualTo(1);
        assertThat(summary.overwritten()).isEqualTo(1);
        assertThat(summary.violations()).hasSize(2);
    }

    @Test
    void anOutcomeRewrittenAfterRedisLostItInAGapIsCountedApart() {
        seen.put(2L, new OutcomeObserver.Seen(ANSWER, 1_000, 2, 2));
        stored.put(2L, OTHER_ANSWER);
        gaps = List.of(new ChaosTimeline.Window(900, 1_100));

        ChaosSummary summary = check();

        assertThat(summary.rewrittenInGap()).isEqualTo(1);
        assertThat(summary.ok()).isTrue();
        assertThat(summary.line()).contains("overwritten=0 (+1 in a durability gap)");
    }

    @Test
    void callsBeyondTheMaximumAttemptsFailUnlessAFaultCaughtTheQueryInProgress() {
        calls.put(1, 4);
        assertThat(check().overMaxAttempts()).isEqualTo(1);

        allowances.put(2L, 1);
        assertThat(check().overMaxAttempts()).isZero();
    }

    @Test
    void anIdHandedOutTwiceIsReported() {
        accepted = List.of(accepted(0, 1, 500), accepted(1, 2, 600), accepted(2, 2, 900));
        calls.put(2, 1);

        assertThat(check().reissuedIds()).isEqualTo(1);
        assertThat(check().ok()).isFalse();
    }

    @Test
    void pendingEntriesAndUnboundedKeysAreViolations() {
        pending.put("{llmq}:queries", 2L);

        ChaosSummary summary = ChaosInvariants.check(evidence(List.of("llmq:stray (hash, 3) has no TTL")), "");

        assertThat(summary.orphanedPending()).isEqualTo(2);
        assertThat(summary.unboundedKeys()).isEqualTo(1);
        assertThat(summary.violations()).hasSize(2);
    }

    @Test
    void aWaiterIsTimelyWithTheStoredResultOrA202InTimeAndNothingElse() {
        waits = List.of(
                wait(1, ChaosWaiter.Kind.RESULT, ANSWER),
                wait(2, ChaosWaiter.Kind.TIMELY_202, null),
                wait(1, ChaosWaiter.Kind.RESULT, OTHER_ANSWER),
                wait(2, ChaosWaiter.Kind.LATE_202, null),
                wait(2, ChaosWaiter.Kind.FAILED, null));

        ChaosSummary summary = check();

        assertThat(summary.waitersTimely()).isEqualTo(2);
        assertThat(summary.waiters()).isEqualTo(5);
        assertThat(summary.violations()).singleElement().asString().startsWith("3 waiting clients");
    }

    private ChaosSummary check() {
        return ChaosInvariants.check(evidence(List.of()), "kill-worker x1");
    }

    private ChaosEvidence evidence(List<String> unboundedKeys) {
        return new ChaosEvidence(accepted, stored, seen, calls, allowances, 3, pending, unboundedKeys, waits, gaps);
    }

    private static ChaosLoad.Accepted accepted(int index, long id, long at) {
        return new ChaosLoad.Accepted(index, id, at, "http://127.0.0.1:1");
    }

    private static ChaosWaiter.Wait wait(long id, ChaosWaiter.Kind kind, String body) {
        return new ChaosWaiter.Wait(id, kind, body, 100, 1, "");
    }

    private static String outcome(String status, String completedAt) {
        return "{\"id\":1,\"status\":\"" + status + "\",\"text\":\"x\",\"completed_at\":\"" + completedAt + "\"}";
    }
}
