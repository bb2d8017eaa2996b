package dev.llmq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The warm-up's reading of a JVM's compiler threads, on this test's own JVM (Linux, HotSpot). */
class CpuMeterTests {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void findsTheCompilerThreadsOfAJvmAndTheirShareOfItsCpu() {
        assertThat(CpuMeter.compilerTicksOf(SELF))
                .as("CPU ticks of threads named C1/C2 CompilerThread")
                .isNotNull()
                .isNotNegative()
                .isLessThanOrEqualTo(CpuMeter.ticksOf(SELF));
        CpuMeter meter = CpuMeter.start(Map.of("self", SELF));
        long sum = 0;
        for (int i = 0; i < 20_000_000; i++) {
            sum += Integer.toString(i).hashCode();
        }
        assertThat(sum).isNotZero();
        assertThat(meter.compilerShare()).isBetween(0.0, 1.0);
    }

    @Test
    void aProcessWithoutCompilerThreadsHasNone() {
        assertThat(CpuMeter.compilerTicksOf(Long.MAX_VALUE)).isNull();
    }
}
