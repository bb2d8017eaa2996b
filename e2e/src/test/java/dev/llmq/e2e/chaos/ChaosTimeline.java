package dev.llmq.e2e.chaos;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a chaos run broke and when, for its report and for the invariants that depend on it: the faults in order, the
 * windows in which Redis may have lost acknowledged writes ({@link #durabilityGap}), and the queries a fault caught in
 * progress, which may be called once more ({@link #excuseQueries}). Thread-safe: fault threads write while the load runs.
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
    private final Map<Long, Integer> repeatAllowances = new ConcurrentHashMap<>();

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
     * Allows each of these queries one LLM call more than the maximum attempts: a fault struck while it was in
     * progress (its worker killed or frozen, or Redis gone, after a call but before its attempt was recorded), and
     * processing is at-least-once. Call once per fault, with every query in progress then.
     */
    public void excuseQueries(Set<Long> queryIds) {
        queryIds.forEach(id -> repeatAllowances.merge(id, 1, Integer::sum));
    }

    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    public List<Window> durabilityGaps() {
        return List.copyOf(durabilityGaps);
    }

    /** How many calls beyond the maximum attempts each query (by id) is allowed. */
    public Map<Long, Integer> repeatAllowances() {
        return Map.copyOf(repeatAllowances);
    }

    /** A short account of the faults, e.g. {@code kill-worker x2, zombie x1}. */
    public String describe() {
        Map<String, Long> counts = new TreeMap<>();
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
