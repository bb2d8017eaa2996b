package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrioritySharesTests {

    @Test
    void tenSlotsAreSplitSixThreeOneByDefault() {
        PriorityShares shares = new PriorityShares(PriorityShares.DEFAULT_WEIGHTS);

        assertThat(shares.plan(10)).containsExactly(6, 3, 1);
        assertThat(shares.plan(100)).containsExactly(60, 30, 10);
    }

    @Test
    void oneSlotAtATimeStillGivesEveryPriorityItsShare() {
        PriorityShares shares = new PriorityShares(PriorityShares.DEFAULT_WEIGHTS);
        int[] total = new int[3];

        for (int read = 0; read < 10; read++) {
            int[] plan = shares.plan(1);
            for (int level = 0; level < 3; level++) {
                total[level] += plan[level];
            }
        }

        assertThat(total).containsExactly(6, 3, 1);
    }

    @Test
    void highPriorityIsOfferedTheFirstSlot() {
        assertThat(new PriorityShares(PriorityShares.DEFAULT_WEIGHTS).plan(1)).containsExactly(1, 0, 0);
    }

    @Test
    void everyPriorityNeedsAWeightOfAtLeastOneSoNoneStarves() {
        assertThatThrownBy(() -> new PriorityShares(List.of(10, 1, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new PriorityShares(List.of(1, 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
