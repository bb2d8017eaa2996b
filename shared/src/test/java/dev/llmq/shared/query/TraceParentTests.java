package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    @Test
    void aSpanIsWrittenInTheW3cFormatAndReadBack() {
        TraceParent sampled = TraceParent.of(TRACE_ID, SPAN_ID, true);

        assertThat(sampled.value()).isEqualTo("00-" + TRACE_ID + "-" + SPAN_ID + "-01");
        assertThat(TraceParent.parse(sampled.value())).contains(sampled);
        assertThat(sampled.traceId()).isEqualTo(TRACE_ID);
        assertThat(sampled.spanId()).isEqualTo(SPAN_ID);
        assertThat(sampled.sampled()).isTrue();
        assertThat(TraceParent.of(TRACE_ID, SPAN_ID, false).value()).endsWith("-00");
        assertThat(TraceParent.of(TRACE_ID, SPAN_ID, false).sampled()).isFalse();
    }

    @Test
    void theSampledFlagIsTheLowestBitOfTheFlags() {
        assertThat(new TraceParent("00-" + TRACE_ID + "-" + SPAN_ID + "-03").sampled())
                .isTrue();
        assertThat(new TraceParent("00-" + TRACE_ID + "-" + SPAN_ID + "-02").sampled())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "garbage",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            })
    void anythingElseIsNotATraceParent(String value) {
        assertThat(TraceParent.parse(value)).isEmpty();
        assertThatThrownBy(() -> new TraceParent(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingIsNoTraceParent() {
        assertThat(TraceParent.parse(null)).isEmpty();
    }
}
