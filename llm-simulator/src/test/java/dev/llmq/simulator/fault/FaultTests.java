package dev.llmq.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The fault grammar: every fault, its parameters and defaults, and what is refused. */
class FaultTests {

    @Test
    void readsEveryFaultWithItsParameters() {
        assertThat(Fault.parse("429;retry-after=2")).isEqualTo(new Fault.RateLimited(2, "requests"));
        assertThat(Fault.parse("429;retry-after=0;type=tokens")).isEqualTo(new Fault.RateLimited(0, "tokens"));
        assertThat(Fault.parse("500")).isEqualTo(new Fault.ServerError(500));
        assertThat(Fault.parse("502")).isEqualTo(new Fault.ServerError(502));
        assertThat(Fault.parse("503")).isEqualTo(new Fault.ServerError(503));
        assertThat(Fault.parse("reset")).isEqualTo(new Fault.Reset());
        assertThat(Fault.parse("stall-before-first-byte;seconds=30"))
                .isEqualTo(new Fault.StallBeforeFirstByte(Duration.ofSeconds(30)));
        assertThat(Fault.parse("hold;seconds=90")).isEqualTo(new Fault.Hold(Duration.ofSeconds(90)));
        assertThat(Fault.parse("stall-mid-stream;after-tokens=3;seconds=2.5"))
                .isEqualTo(new Fault.StallMidStream(3, Duration.ofMillis(2500)));
        assertThat(Fault.parse("cut-stream;after-tokens=0")).isEqualTo(new Fault.CutStream(0));
        assertThat(Fault.parse("malformed-json")).isEqualTo(new Fault.MalformedJson());
        assertThat(Fault.parse("slow-stream;per-token=500ms")).isEqualTo(new Fault.SlowStream(Duration.ofMillis(500)));
        assertThat(Fault.parse("slow-stream;per-token=2s")).isEqualTo(new Fault.SlowStream(Duration.ofSeconds(2)));
        assertThat(Fault.parse("slow-stream;per-token=40")).isEqualTo(new Fault.SlowStream(Duration.ofMillis(40)));
        assertThat(Fault.parse("none")).isEqualTo(new Fault.None());
    }

    @Test
    void fillsInTheDefaultOfEveryParameterLeftOut() {
        assertThat(Fault.parse("429")).isEqualTo(new Fault.RateLimited(1, "requests"));
        assertThat(Fault.parse("stall-before-first-byte"))
                .isEqualTo(new Fault.StallBeforeFirstByte(Duration.ofSeconds(30)));
        assertThat(Fault.parse("hold")).isEqualTo(new Fault.Hold(Duration.ofMinutes(10)));
        assertThat(Fault.parse("stall-mid-stream")).isEqualTo(new Fault.StallMidStream(1, Duration.ofSeconds(30)));
        assertThat(Fault.parse("cut-stream")).isEqualTo(new Fault.CutStream(1));
        assertThat(Fault.parse("slow-stream")).isEqualTo(new Fault.SlowStream(Duration.ofMillis(500)));
    }

    @Test
    void ignoresCaseAndWhitespaceAroundEveryPiece() {
        assertThat(Fault.parse(" Stall-Mid-Stream ; After-Tokens = 2 ;SECONDS=0.5 "))
                .isEqualTo(new Fault.StallMidStream(2, Duration.ofMillis(500)));
        assertThat(Fault.parse("429; type = Tokens")).isEqualTo(new Fault.RateLimited(1, "tokens"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = "->",
            value = {
                "429 -> 429;retry-after=1;type=requests",
                "STALL-MID-STREAM;seconds=0.250 -> stall-mid-stream;after-tokens=1;seconds=0.25",
                "stall-before-first-byte;seconds=3 -> stall-before-first-byte;seconds=3",
                "slow-stream;per-token=1s -> slow-stream;per-token=1000ms",
                "cut-stream -> cut-stream;after-tokens=1",
                "hold -> hold;seconds=600",
                "504 -> 504"
            })
    void writesTheCanonicalSpecThatReadsBackTheSame(String spec, String canonical) {
        Fault fault = Fault.parse(spec);

        assertThat(fault.spec()).isEqualTo(canonical);
        assertThat(Fault.parse(canonical)).isEqualTo(fault);
    }

    @Test
    void namesTheFaultForTheRequestLog() {
        assertThat(Fault.parse("429;retry-after=3").name()).isEqualTo("429");
        assertThat(Fault.parse("599").name()).isEqualTo("599");
        assertThat(Fault.parse("cut-stream;after-tokens=3").name()).isEqualTo("cut-stream");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "418",
                "600",
                "teapot",
                "reset;seconds=1",
                "429;retry-after=soon",
                "429;retry-after=-1",
                "429;retry-after=1.5",
                "429;retry-after",
                "429;retry-after=1;retry-after=2",
                "429;type=minutes",
                "429;=1",
                "stall-before-first-byte;seconds=0",
                "stall-before-first-byte;seconds=abc",
                "stall-mid-stream;after-tokens=-1",
                "slow-stream;per-token=fast",
                "slow-stream;per-token=-5ms"
            })
    void refusesWhatIsNotAFault(String spec) {
        assertThatExceptionOfType(InvalidFaultException.class)
                .isThrownBy(() -> Fault.parse(spec))
                .withMessageStartingWith("Invalid fault '" + spec + "': ");
    }

    @Test
    void namesTheParametersAFaultTakesWhenGivenAnother() {
        assertThatExceptionOfType(InvalidFaultException.class)
                .isThrownBy(() -> Fault.parse("stall-mid-stream;tokens=3"))
                .withMessageContaining(
                        "unknown parameter 'tokens' for stall-mid-stream (it takes after-tokens, seconds)");
    }
}
