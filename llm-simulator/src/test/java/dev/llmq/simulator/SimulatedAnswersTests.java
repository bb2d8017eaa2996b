package dev.llmq.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The answer rule that other modules compute their expectations with. */
class SimulatedAnswersTests {

    @Test
    void prefixesTheLastUserMessage() {
        assertThat(SimulatedAnswers.answerFor("What is 2+2?")).isEqualTo("Simulated answer to: What is 2+2?");
    }

    @Test
    void keepsTheMessageVerbatim() {
        assertThat(SimulatedAnswers.answerFor("  two\nlines ")).isEqualTo("Simulated answer to:   two\nlines ");
    }
}
