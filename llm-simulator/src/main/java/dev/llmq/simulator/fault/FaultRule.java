package dev.llmq.simulator.fault;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A run-wide fault rule: the {@code fault} (in the fault grammar) for the next {@code count} requests (all of them
 * when {@code null}), each hit with {@code probability} (always when {@code null}), drawn from a random sequence
 * seeded by {@code seed} (the configured {@code llmq.simulator.faults.seed} when {@code null}).
 */
public record FaultRule(
        String fault,
        @Nullable Integer count,
        @Nullable Double probability,
        @Nullable Long seed) {

    /** Validates the rule and stores the fault in its canonical form, so that an invalid rule is never kept. */
    public FaultRule {
        fault = Fault.parse(Objects.requireNonNull(fault, "fault is required")).spec();
        if (count != null && count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (probability != null && !(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must lie in 0..1, got " + probability);
        }
    }

    /** Every request gets {@code fault} until the rules are cleared. */
    public static FaultRule always(String fault) {
        return new FaultRule(fault, null, null, null);
    }

    /** The next {@code count} requests get {@code fault}. */
    public static FaultRule times(String fault, int count) {
        return new FaultRule(fault, count, null, null);
    }

    /** Each request gets {@code fault} with {@code probability}, until the rules are cleared. */
    public static FaultRule withProbability(String fault, double probability) {
        return new FaultRule(fault, null, probability, null);
    }

    /** This rule with its own random seed. */
    public FaultRule seeded(long seed) {
        return new FaultRule(fault, count, probability, seed);
    }
}
