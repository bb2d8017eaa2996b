package dev.llmq.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A closed loop run before a measurement until the JIT compilers of the JVMs on the machine (the services, the
 * simulator and the load generator: all take CPU from the measured queries) have caught up: their threads' CPU would
 * otherwise count as CPU per query, and the code they have not compiled yet runs several times slower. On this
 * machine's two cores, the compilers of a deployment still used about a third of its CPU after the 20 s of warm-up
 * the scenarios had before (2026-12-02; llmq's capacity measured 106 q/s then, 590 q/s after 150 s of warm-up).
 * Capped ({@link #MOST}) to keep a full run near 10 minutes; the record gives each slice's compiler share and the
 * share during the measurement.
 */
final class WarmUp {

    /** Warm-up no measurement goes without. */
    static final Duration FIRST = Duration.ofSeconds(20);

    /** Then slices of this long, each checked on its own. */
    static final Duration SLICE = Duration.ofSeconds(5);

    /** At most this long in all: a JVM that compiles for longer is measured as it is, with the share reported. */
    static final Duration MOST = Duration.ofSeconds(Long.getLong("llmq.bench.warm-up-most-seconds", 55));

    /** Compiled enough: the compiler threads used at most this share of the JVMs' CPU during the last slice. */
    static final double SETTLED = Double.parseDouble(System.getProperty("llmq.bench.warm-up-settled", "0.10"));

    private WarmUp() {}

    /** What a warm-up took, and the compilers' share of the JVMs' CPU in each of its slices. */
    record Report(Duration took, List<Double> compilerShares) {}

    /**
     * Runs {@code clients} clients of {@code request} for {@link #FIRST}, then slice after slice until the compilers
     * of the JVMs in {@code pids} settle or {@link #MOST} has passed (both scaled by {@code pace}).
     */
    static Report run(Map<String, Long> pids, Scenario.Pace pace, int clients, OpenLoop.Request request)
            throws InterruptedException {
        return run(pids, pace, clients, request, MOST);
    }

    /** Like the other, capped at {@code cap} instead of {@link #MOST} (a cap under {@link #FIRST} shortens it too). */
    static Report run(Map<String, Long> pids, Scenario.Pace pace, int clients, OpenLoop.Request request, Duration cap)
            throws InterruptedException {
        long start = System.nanoTime();
        long most = pace.scale(cap).toNanos();
        List<Double> shares = new ArrayList<>();
        CpuMeter cpu = CpuMeter.start(pids);
        ClosedLoop.run(clients, pace.scale(FIRST.compareTo(cap) < 0 ? FIRST : cap), request);
        shares.add(cpu.compilerShare());
        while (shares.getLast() > SETTLED && System.nanoTime() - start < most) {
            cpu = CpuMeter.start(pids);
            ClosedLoop.run(clients, pace.scale(SLICE), request);
            shares.add(cpu.compilerShare());
        }
        return new Report(Duration.ofNanos(System.nanoTime() - start), List.copyOf(shares));
    }
}
