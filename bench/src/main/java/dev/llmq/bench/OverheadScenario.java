package dev.llmq.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * llmq's own cost: the simulator answers at once, so every millisecond and every Redis command is llmq's. Measures the
 * completed queries per second at llmq's own pace (a closed loop: its capacity), with the Redis commands (from
 * {@code INFO commandstats}) and the CPU time of every process per query meanwhile; then the end-to-end latency (POST
 * until the outcome is read by GET) offered half the goal's rate in an open loop, and what completes offered more than
 * the goal.
 */
final class OverheadScenario implements Scenario {

    /**
     * How long the half rate is offered: 15,000 queries, plenty for a p99 (and a p99.9); above capacity, as on this
     * machine, a longer phase only piles up further (20 s until 2026-12-03, when the run had to stay under 10 minutes).
     */
    static final Duration HALF_RATE_PHASE = Duration.ofSeconds(10);

    /** How long the closed loop measures capacity: about 10,000 queries here (20 s until 2026-12-03, as above). */
    static final Duration CAPACITY_PHASE = Duration.ofSeconds(15);

    static final double THROUGHPUT_GOAL = 3_000;

    /** The offered rates, changeable to explore (-Dllmq.bench.half-rate=300 through BENCH_JAVA_OPTS). */
    private static final double HALF_RATE =
            Double.parseDouble(System.getProperty("llmq.bench.half-rate", String.valueOf(THROUGHPUT_GOAL / 2)));

    private static final double SATURATION_RATE =
            Double.parseDouble(System.getProperty("llmq.bench.saturation-rate", String.valueOf(THROUGHPUT_GOAL * 1.1)));
    static final double P99_GOAL_MILLIS = 20;
    static final double COMMANDS_GOAL = 8;

    /** Clients of the closed loop that measures capacity: enough to keep one api and one worker busy. */
    static final int CLIENTS = 64;

    /** Commands the benchmark itself sends (redis-cli), not llmq. */
    static final Set<String> OURS = Set.of("info", "config|resetstat", "config", "client|list", "client");

    @Override
    public String name() {
        return "overhead";
    }

    @Override
    public String description() {
        return "instant simulator; capacity (closed loop), p99 at 1,500 q/s offered, Redis commands and CPU per query";
    }

    @Override
    public ScenarioResult run(Workspace workspace, Pace pace) throws Exception {
        try (Deployment llmq = new Deployment(workspace, name())) {
            var simulator = llmq.launchSimulator(
                    "--llmq.simulator.time-to-first-token=0ms", "--llmq.simulator.per-token-delay=0ms");
            var starting = llmq.launchApi(List.of("-Xmx1g"), Map.of());
            var worker = llmq.launchWorker(List.of("-Xmx1g"));
            simulator.await();
            worker.await();
            String api = starting.await().url();
            QueryClient client = new QueryClient(api);
            Duration wait = Duration.ofSeconds(30);

            // until the JIT has compiled the hot paths: its threads' CPU would count against the measurement
            WarmUp.Report warmUp =
                    WarmUp.run(llmq.pids(), pace, CLIENTS, i -> client.submitAndAwait("warm up " + i, wait));
            llmq.awaitIdle(Duration.ofMinutes(3));

            // capacity: as many queries as llmq completes at its own pace, the happy path's commands and CPU per query
            llmq.redis().resetStats();
            QueryClient.takeSlowQueries();
            CpuMeter cpu = CpuMeter.start(llmq.pids());
            OpenLoop.Report capacity = ClosedLoop.run(
                    CLIENTS, pace.scale(CAPACITY_PHASE), i -> client.submitAndAwait("capacity " + i, wait));
            Map<String, Double> cpuPerQuery = cpu.millisPer(capacity.completed());
            double compilerShare = cpu.compilerShare();
            List<String> slowQueries = QueryClient.takeSlowQueries();
            Map<String, Long> calls = llmq.redis().commandCalls();
            long total = calls.entrySet().stream()
                    .filter(entry -> !OURS.contains(entry.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            llmq.awaitIdle(Duration.ofMinutes(3));

            // open loops: a request gives up after `patience` (250 times the p99 goal: a figure past it says enough),
            // so that the last one is over that long after the phase ends
            Duration patience = OpenLoop.PATIENCE;
            OpenLoop.Report half = OpenLoop.run(
                    HALF_RATE,
                    pace.scale(HALF_RATE_PHASE),
                    patience,
                    i -> client.submitAndAwait("half rate " + i, patience));
            // a phase above what the half rate already overran would only collapse further (and take minutes to
            // drain): it runs only when llmq kept up with the half rate
            OpenLoop.Report saturated = null;
            boolean drained = false;
            if (keptUp(half)) {
                drained = llmq.drain(Duration.ofMinutes(1));
                saturated = OpenLoop.run(
                        SATURATION_RATE,
                        pace.scale(Duration.ofSeconds(20)),
                        patience,
                        i -> client.submitAndAwait("saturate " + i, patience));
            }

            ScenarioResult result = new ScenarioResult(name())
                    .goal("completed_qps", ">=", THROUGHPUT_GOAL, capacity.completedPerSecond())
                    .figure("half_rate_qps", HALF_RATE)
                    .goal("p99_ms_at_half", "<=", P99_GOAL_MILLIS, half.percentileMillis(99))
                    .goal(
                            "redis_cmds_per_query",
                            "<=",
                            COMMANDS_GOAL,
                            (double) total / Math.max(1, capacity.completed()))
                    .figure("capacity_clients", CLIENTS)
                    .figure("capacity_completed", capacity.completed())
                    .figure("capacity_failed", capacity.failed())
                    .figure("capacity_service_p50_ms", capacity.percentileMillis(50))
                    .figure("capacity_service_p99_ms", capacity.percentileMillis(99))
                    .figure("capacity_service_max_ms", capacity.percentileMillis(100))
                    .figure("capacity_slow_queries", slowQueries.subList(0, Math.min(5, slowQueries.size())))
                    .figure("cpu_ms_per_query", cpuPerQuery)
                    .figure("jit_share_of_cpu", compilerShare)
                    .figure("warm_up_s", warmUp.took().toMillis() / 1000.0)
                    .figure("warm_up_jit_shares", warmUp.compilerShares())
                    .figure("p50_ms_at_half", half.percentileMillis(50))
                    .figure("p999_ms_at_half", half.percentileMillis(99.9))
                    .figure("half_completed", half.completed())
                    .figure("half_failed", half.failed())
                    .figure("redis_calls", calls)
                    .figure("last_error", half.lastError());
            if (saturated == null) {
                return result.figure("saturation_phase", "skipped (llmq did not keep up with the half rate)");
            }
            return result.figure("offered_qps", SATURATION_RATE)
                    .figure("saturated_completed_qps", saturated.completedPerSecond())
                    .figure("saturated_completed", saturated.completed())
                    .figure("saturated_failed", saturated.failed())
                    .figure("saturated_p99_ms", saturated.percentileMillis(99))
                    .figure("drained_before_saturation", drained)
                    .figure("saturated_last_error", saturated.lastError());
        }
    }

    /** Whether an open-loop phase completed (nearly) all it offered: 90 %, so that a few timeouts do not count. */
    static boolean keptUp(OpenLoop.Report phase) {
        return phase.completed() >= 0.9 * phase.offered();
    }
}
