package dev.llmq.shared.redis;

import dev.llmq.shared.query.Priority;
import java.util.List;

/**
 * How a worker splits its free slots between the priority streams while all have work: by weight (6:3:1 by default,
 * high:normal:low), slot by slot in a smooth weighted round robin that carries over between reads, so even one free
 * slot at a time gives low priority its share. A stream without work gives its share to the others, highest first.
 */
public final class PriorityShares {

    /** high:normal:low = 6:3:1: of every ten slots filled under full load, six go to high, three to normal, one to low. */
    public static final List<Integer> DEFAULT_WEIGHTS = List.of(6, 3, 1);

    private final int[] weights = new int[3];
    private final int[] current = new int[3];
    private final int total;

    /** {@code weights} for high, normal and low, each at least 1 so that no priority is ever starved. */
    public PriorityShares(List<Integer> weights) {
        if (weights.size() != 3 || weights.stream().anyMatch(weight -> weight == null || weight < 1)) {
            throw new IllegalArgumentException(
                    "priority weights are three whole numbers of at least 1 (high, normal, low); got " + weights);
        }
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            this.weights[i] = weights.get(i);
            sum += this.weights[i];
        }
        this.total = sum;
    }

    /** How many of {@code slots} to offer each stream (indexed by {@link Priority#ordinal()}). */
    public synchronized int[] plan(int slots) {
        int[] counts = new int[3];
        for (int slot = 0; slot < slots; slot++) {
            int chosen = 0;
            for (int level = 0; level < 3; level++) {
                current[level] += weights[level];
                if (current[level] > current[chosen]) {
                    chosen = level;
                }
            }
            current[chosen] -= total;
            counts[chosen]++;
        }
        return counts;
    }
}
