package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionBudgetTests {

    private static final long MB = 1024 * 1024;

    @Test
    void aHeapHoldsItsShareOverTheBytesOfOneConnection() {
        assertThat(ConnectionBudget.forHeap(1024 * MB, true)).isEqualTo(4_369);
        assertThat(ConnectionBudget.forHeap(3072 * MB, true)).isEqualTo(13_107);
    }

    @Test
    void withoutCompressedPointersEachConnectionCountsForMore() {
        assertThat(ConnectionBudget.forHeap(1024 * MB, false)).isEqualTo(3_495);
    }

    @Test
    void theRunningJvmsPointerSizeIsRead() {
        // the test JVMs run the default (compressed) pointers; a JVM that could not say would count the larger figure
        assertThat(ConnectionBudget.compressedPointers()).isTrue();
    }

    @Test
    void aSmallHeapStillServesTheLeastAndALargeOneNoMoreThanTheMost() {
        assertThat(ConnectionBudget.forHeap(32 * MB, true)).isEqualTo(ConnectionBudget.MIN_CONNECTIONS);
        assertThat(ConnectionBudget.forHeap(64 * 1024 * MB, false)).isEqualTo(ConnectionBudget.MAX_CONNECTIONS);
    }
}
