package dev.llmq.simulator.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The whitespace tokenizer behind streaming and usage counts. */
class TokensTests {

    @Test
    void splitsOnePiecePerWordCarryingTheSpaceBeforeIt() {
        assertThat(Tokens.split("Simulated answer to: hi")).containsExactly("Simulated", " answer", " to:", " hi");
    }

    @Test
    void concatenatesBackToTheTextExactly() {
        String text = "Simulated answer to:  a\tb\n\nc  ";

        assertThat(String.join("", Tokens.split(text))).isEqualTo(text);
        assertThat(Tokens.split(text)).hasSize(6).last().isEqualTo("\n\nc  ");
    }

    @Test
    void countsWhitespaceSeparatedWords() {
        assertThat(Tokens.count("  one two\nthree ")).isEqualTo(3);
        assertThat(Tokens.count(" ")).isZero();
    }
}
