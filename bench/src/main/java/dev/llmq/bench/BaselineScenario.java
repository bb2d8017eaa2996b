package dev.llmq.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The baselines printed beside llmq's figures: the physical limit ({@code redis-benchmark} for each command llmq
 * sends per query, on this machine, now) and the design card taken literally ({@link DesignCardService}) under the
 * overhead and slow-llm loads.
 */
final class BaselineScenario implements Scenario {

    /** The commands of llmq's happy path, as redis-benchmark runs them (random keys where llmq writes new ones). */
    static final Map<String, List<String>> COMMANDS = commands();

    static final int DESIGN_CARD_THREADS = 64;

    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public String description() {
        return "redis-benchmark per command (the physical limit), and the RBlockingQueue + RTopic design card under the"
                + " overhead and slow-llm loads";
    }

    @Override
    public ScenarioResult run(Workspace workspace, Pace pace) throws Exception {
        ScenarioResult result = new ScenarioResult(name());
        Map<String, Double> opsPerSecond = redisBenchmark(workspace, pace);
        opsPerSecond.forEach((command, ops) -> result.figure("redis_benchmark_" + command + "_ops", ops));
        double slowest = opsPerSecond.values().stream()
                .mapToDouble(Double::doubleValue)
                .min()
                .orElse(Double.NaN);
        result.figure("redis_benchmark_slowest_ops", slowest);

        try (Deployment deployment = new Deployment(workspace, name() + "-instant")) {
            String llm = deployment.startSimulator(
                    "--llmq.simulator.time-to-first-token=0ms", "--llmq.simulator.per-token-delay=0ms");
            String url = startDesignCard(workspace, deployment, llm);
            QueryClient client = new QueryClient(url);
            Duration wait = Duration.ofSeconds(30);
            // warmed up as llmq is (OverheadScenario)
            WarmUp.Report warmUp = WarmUp.run(
                    deployment.pids(), pace, OverheadScenario.CLIENTS, i -> client.submitAndAwait("warm " + i, wait));
            CpuMeter cpu = CpuMeter.start(deployment.pids());
            // capacity as llmq's is measured: a closed loop of as many clients
            OpenLoop.Report capacity = ClosedLoop.run(
                    OverheadScenario.CLIENTS,
                    pace.scale(OverheadScenario.CAPACITY_PHASE),
                    i -> client.submitAndAwait("capacity " + i, wait));
            result.figure("design_card_capacity_qps", capacity.completedPerSecond())
                    .figure("design_card_cpu_ms_per_query", cpu.millisPer(capacity.completed()))
                    .figure("design_card_jit_share_of_cpu", cpu.compilerShare())
                    .figure("design_card_warm_up_s", warmUp.took().toMillis() / 1000.0);
            // the open loops give up on a request when llmq's do (OverheadScenario, SlowLlmScenario)
            Duration patience = OpenLoop.PATIENCE;
            OpenLoop.Report half = OpenLoop.run(
                    OverheadScenario.THROUGHPUT_GOAL / 2,
                    pace.scale(OverheadScenario.HALF_RATE_PHASE),
                    patience,
                    i -> client.submitAndAwait("half " + i, patience));
            result.figure("design_card_p99_ms_at_half", half.percentileMillis(99))
                    .figure("design_card_completed_qps_at_half", half.completedPerSecond())
                    .figure("design_card_failed_at_half", half.failed());
            // as in the overhead scenario: the saturation phase runs only if the half rate was kept up with
            if (OverheadScenario.keptUp(half)) {
                OpenLoop.Report saturated = OpenLoop.run(
                        OverheadScenario.THROUGHPUT_GOAL * 1.1,
                        pace.scale(Duration.ofSeconds(20)),
                        patience,
                        i -> client.submitAndAwait("saturate " + i, patience));
                result.figure("design_card_completed_qps", saturated.completedPerSecond())
                        .figure("design_card_failed", saturated.failed());
            } else {
                result.figure("design_card_saturation_phase", "skipped (it did not keep up with the half rate)");
            }
        }
        try (Deployment deployment = new Deployment(workspace, name() + "-slow")) {
            String llm = deployment.startSimulator(
                    "--llmq.simulator.time-to-first-token=2000ms",
                    "--llmq.simulator.per-token-delay=0ms",
                    "--server.tomcat.threads.max=8000");
            String url = startDesignCard(workspace, deployment, llm);
            QueryClient client = new QueryClient(url);
            Duration wait = OpenLoop.PATIENCE;
            OpenLoop.Report slow = OpenLoop.run(
                    SlowLlmScenario.OFFERED,
                    pace.scale(Duration.ofSeconds(10)),
                    wait,
                    i -> client.submitAndAwait("slow " + i, wait));
            result.figure("design_card_slow_completed_ratio", (double) slow.completed() / slow.offered())
                    .figure("design_card_slow_completed_qps", slow.completedPerSecond());
        }
        return result;
    }

    private static String startDesignCard(Workspace workspace, Deployment deployment, String llm)
            throws InterruptedException {
        int port = workspace.freePort();
        Path jar = workspace.target().resolve("bench.jar");
        deployment
                .launchCommand(
                        "design-card",
                        List.of(
                                workspace.java(),
                                "-Xmx1g",
                                "-jar",
                                jar.toString(),
                                "design-card",
                                String.valueOf(port),
                                deployment.redis().url(),
                                llm,
                                String.valueOf(DESIGN_CARD_THREADS)))
                .awaitOutput("design-card service listening", Deployment.STARTUP);
        return "http://127.0.0.1:" + port;
    }

    /** Requests per second redis-benchmark reaches for each command (50 clients, no pipelining). */
    private static Map<String, Double> redisBenchmark(Workspace workspace, Pace pace) throws Exception {
        Map<String, Double> rates = new LinkedHashMap<>();
        if (!RedisProcess.installed("redis-benchmark")) {
            return rates;
        }
        // 50,000 requests take 0.5-1 s per command here, past 50 clients' ramp-up: a steady rate (100,000 until
        // 2026-12-03, when the run had to stay under 10 minutes)
        int requests = pace == Pace.FULL ? 50_000 : 25_000;
        try (RedisProcess redis = RedisProcess.start(workspace, "baseline-redis-benchmark")) {
            redis.cli("XGROUP", "CREATE", "bench:stream", "g", "$", "MKSTREAM");
            for (Map.Entry<String, List<String>> command : COMMANDS.entrySet()) {
                List<String> args = new java.util.ArrayList<>(List.of(
                        "redis-benchmark",
                        "-p",
                        String.valueOf(redis.port()),
                        "-c",
                        "50",
                        "-n",
                        String.valueOf(requests),
                        "-r",
                        "1000000",
                        "--csv"));
                args.addAll(command.getValue());
                Launched run = Launched.start("redis-benchmark-" + command.getKey(), workspace.logs(), Map.of(), args);
                run.awaitExit(Duration.ofMinutes(2));
                Matcher rps = Pattern.compile("^\"[^\"]*\",\"([0-9.]+)\"", Pattern.MULTILINE)
                        .matcher(run.output());
                if (rps.find()) {
                    rates.put(command.getKey(), Double.parseDouble(rps.group(1)));
                }
            }
        }
        return rates;
    }

    private static Map<String, List<String>> commands() {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("incr", List.of("INCR", "bench:id"));
        commands.put("xadd", List.of("XADD", "bench:stream", "MAXLEN", "~", "100000", "*", "prompt", "hello"));
        commands.put("mget", List.of("MGET", "bench:result:__rand_int__", "bench:status:__rand_int__"));
        commands.put(
                "set", List.of("SET", "bench:result:__rand_int__", "{\"status\":\"succeeded\"}", "PX", "86400000"));
        commands.put("get", List.of("GET", "bench:result:__rand_int__"));
        commands.put("publish", List.of("PUBLISH", "query_result___rand_int__", "{\"status\":\"succeeded\"}"));
        commands.put(
                "evalsha", List.of("EVAL", "return redis.call('EXISTS', KEYS[1])", "1", "bench:result:__rand_int__"));
        commands.put("xack", List.of("XACK", "bench:stream", "g", "0-1"));
        return commands;
    }
}
