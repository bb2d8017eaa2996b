package dev.llmq.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * llmq's own cost: the simulator answers at once, so every millisecond and every Redis command is llmq's. Measures the
 * completed queries per second at an offered rate above the goal, the end-to-end latency (POST until the outcome is
 * read by GET) at half that rate, and the Redis commands each query costs (from {@code INFO commandstats}).
 */
final class OverheadScenario implements Scenario {

    static final double THROUGHPUT_GOAL = 3_000;

    /** The offered rates, changeable to explore (-Dllmq.bench.half-rate=300 through BENCH_JAVA_OPTS). */
    private static final double HALF_RATE =
            Double.parseDouble(System.getProperty("llmq.bench.half-rate", String.valueOf(THROUGHPUT_GOAL / 2)));

    private static final double SATURATION_RATE =
            Double.parseDouble(System.getProperty("llmq.bench.saturation-rate", String.valueOf(THROUGHPUT_GOAL * 1.1)));
    static final double P99_GOAL_MILLIS = 20;
    static final double COMMANDS_GOAL = 8;

    /** Commands the benchmark itself sends (redis-cli), not llmq. */
    private static final Set<String> OURS = Set.of("info", "config|resetstat", "config", "client|list", "client");

    @Override
    public String name() {
        return "overhead";
    }

    @Override
    public String description() {
        return "instant simulator; completed q/s at 3,300 offered, p99 at 1,500 q/s, Redis commands per query";
    }

    @Override
    public ScenarioResult run(Workspace workspace, Pace pace) throws Exception {
        try (Deployment llmq = new Deployment(workspace, name())) {
            llmq.startSimulator("--llmq.simulator.time-to-first-token=0ms", "--llmq.simulator.per-token-delay=0ms");
            String api = llmq.startApi(Map.of());
            llmq.startWorker(List.of("-Xmx1g"));
            QueryClient client = new QueryClient(api);
            Duration wait = Duration.ofSeconds(30);

            OpenLoop.run(
                    Math.min(1_000, HALF_RATE),
                    pace.scale(Duration.ofSeconds(10)),
                    wait,
                    i -> client.submitAndAwait("warm up " + i, wait));

            llmq.awaitIdle(Duration.ofMinutes(3));
            llmq.redis().resetStats();
            CpuMeter cpu = CpuMeter.start(llmq.pids());
            OpenLoop.Report half = OpenLoop.run(
                    HALF_RATE,
                    pace.scale(Duration.ofSeconds(20)),
                    Duration.ofSeconds(60),
                    i -> client.submitAndAwait("half rate " + i, wait));
            Map<String, Long> calls = llmq.redis().commandCalls();
            Map<String, Double> cpuPerQuery = cpu.millisPer(half.completed());
            long total = calls.entrySet().stream()
                    .filter(entry -> !OURS.contains(entry.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();

            llmq.awaitIdle(Duration.ofMinutes(3));
            // saturation last: its backlog must not spill into the measured half-rate window
            OpenLoop.Report saturated = OpenLoop.run(
                    SATURATION_RATE,
                    pace.scale(Duration.ofSeconds(20)),
                    Duration.ofSeconds(60),
                    i -> client.submitAndAwait("saturate " + i, wait));

            return new ScenarioResult(name())
                    .goal("completed_qps", ">=", THROUGHPUT_GOAL, saturated.completedPerSecond())
                    .figure("half_rate_qps", HALF_RATE)
                    .goal("p99_ms_at_half", "<=", P99_GOAL_MILLIS, half.percentileMillis(99))
                    .goal("redis_cmds_per_query", "<=", COMMANDS_GOAL, (double) total / Math.max(1, half.completed()))
                    .figure("offered_qps", SATURATION_RATE)
                    .figure("saturated_completed", saturated.completed())
                    .figure("saturated_failed", saturated.failed())
                    .figure("saturated_p99_ms", saturated.percentileMillis(99))
                    .figure("p50_ms_at_half", half.percentileMillis(50))
                    .figure("p999_ms_at_half", half.percentileMillis(99.9))
                    .figure("half_completed", half.completed())
                    .figure("half_failed", half.failed())
                    .figure("cpu_ms_per_query_at_half", cpuPerQuery)
                    .figure("redis_calls", calls)
                    .figure("last_error", saturated.lastError() + half.lastError());
        }
    }
}
