package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionBudgetTests {

    private static final long MB = 1024 * 1024;

    @Test
    void aHeapHoldsItsShareOverTheBytesOfOneConnection() {
        assertThat(ConnectionBudget.forHeap(1024 * MB)).isEqualTo(4_369);
        assertThat(ConnectionBudget.forHeap(3072 * MB)).isEqualTo(13_107);
    }

    @Test
    void aSmallHeapStillServesTheLeastAndALargeOneNoMoreThanTheMost() {
        assertThat(ConnectionBudget.forHeap(32 * MB)).isEqualTo(ConnectionBudget.MIN_CONNECTIONS);
        assertThat(ConnectionBudget.forHeap(64 * 1024 * MB)).isEqualTo(ConnectionBudget.MAX_CONNECTIONS);
    }
}
