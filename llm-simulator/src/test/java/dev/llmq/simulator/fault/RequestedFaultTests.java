package dev.llmq.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

/** Which fault a request asks for itself: its header, else a marker in its last user message. */
class RequestedFaultTests {

    @Test
    void takesTheHeaderOverThePromptMarker() {
        assertThat(RequestedFault.of("503", "[[fault:500]]")).isEqualTo(new Fault.ServerError(503));
    }

    @Test
    void takesTheFirstMarkerAnywhereInTheMessage() {
        assertThat(RequestedFault.of(null, "Summarize this.\n[[fault:cut-stream;after-tokens=2]] and [[fault:reset]]"))
                .isEqualTo(new Fault.CutStream(2));
    }

    @Test
    void asksForNothingWithoutHeaderOrMarker() {
        assertThat(RequestedFault.of(null, "an ordinary [[prompt]] with fault: in it"))
                .isNull();
    }

    @Test
    void refusesAnInvalidMarker() {
        assertThatExceptionOfType(InvalidFaultException.class).isThrownBy(() -> RequestedFault.of(null, "[[fault:]]"));
    }
}
