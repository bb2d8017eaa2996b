package dev.llmq.e2e.chaos;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a chaos run broke and when, for its report and for the invariants that depend on it: the faults in order, the
 * windows in which Redis may have lost acknowledged writes ({@link #durabilityGap}), and the LLM calls a fault may
 * have repeated ({@link #allowRepeatedCall}). Thread-safe: fault threads write while the load runs.
 */
public final class ChaosTimeline {

    /** One fault: what ({@code kill-worker}, {@code zombie}, ...), on which target, from when until when (epoch ms). */
    public record Fault(String kind, String target, long startMillis, long endMillis) {

        @Override
        public String toString() {
            return kind + "(" + target + ", " + (endMillis - startMillis) + " ms)";
        }
    }

    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Window> durabilityGaps = new CopyOnWriteArrayList<>();
    private final Map<Long, Integer> excusedCalls = new ConcurrentHashMap<>();

    /** Records a fault that ran from {@code startMillis} until now. */
    public void record(String kind, String target, long startMillis) {
        faults.add(new Fault(kind, target, startMillis, System.currentTimeMillis()));
    }

    /**
     * Says that writes Redis acknowledged between {@code fromMillis} and {@code untilMillis} may be gone (e.g. a
     * kill -9 of a server whose append-only file is fsynced every second): queries accepted then may be lost, and
     * outcomes first seen then may be stored a second time. Anything outside every gap must hold strictly.
     */
    public void durabilityGap(long fromMillis, long untilMillis) {
        durabilityGaps.add(new Window(fromMillis, untilMillis));
    }

    /**
     * Excuses the simulator's call {@code sequence} (of the query of load index {@code index}) from the maximum
     * attempts: a fault cut it off (its worker killed or frozen mid-call), and processing is at-least-once, so the
     * query may be called once more. Excusing a call twice counts once.
     */
    public void excuseCall(long sequence, int index) {
        excusedCalls.put(sequence, index);
    }

    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    public List<Window> durabilityGaps() {
        return List.copyOf(durabilityGaps);
    }

    /** How many of each load index's calls were excused. */
    public Map<Integer, Integer> repeatAllowances() {
        Map<Integer, Integer> allowances = new java.util.HashMap<>();
        excusedCalls.values().forEach(index -> allowances.merge(index, 1, Integer::sum));
        return allowances;
    }

    /** A short account of the faults, e.g. {@code kill-worker x2, zombie x1}. */
    public String describe() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        faults.forEach(fault -> counts.merge(fault.kind(), 1L, Long::sum));
        return counts.isEmpty()
                ? "no faults"
                : String.join(
                        ", ",
                        counts.entrySet().stream()
                                .map(entry -> entry.getKey() + " x" + entry.getValue())
                                .toList());
    }

    /** A closed interval of epoch milliseconds. */
    public record Window(long fromMillis, long untilMillis) {

        public Window {
            if (untilMillis < fromMillis) {
                throw new IllegalArgumentException(
                        "a window ends before it starts: " + fromMillis + ".." + untilMillis);
            }
        }

        public boolean contains(long millis) {
            return fromMillis <= millis && millis <= untilMillis;
        }
    }
}
