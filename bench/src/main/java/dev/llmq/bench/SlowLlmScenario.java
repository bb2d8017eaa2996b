package dev.llmq.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Thousands of queries in flight in one worker: the simulator takes 2 seconds per answer and 2,000 queries per second
 * are offered, so one worker process (heap capped at 512 MB) must hold 4,000 LLM calls at once on virtual threads.
 * Measured twice: the worker alone (queries put straight onto the stream, outcomes read from their channels), then
 * end to end through the api-service, whose HTTP handling is the first limit on this machine. Each deployment is
 * first warmed up at full speed until its JIT compilers settle, then the simulator is slowed (a run-wide
 * {@code stall-before-first-byte} rule).
 */
final class SlowLlmScenario implements Scenario {

    static final double OFFERED = 2_000;

    /** How long the simulator takes per answer in the measured phases. */
    static final Duration ANSWER_TIME = Duration.ofSeconds(2);

    /** Clients of the warm-up's closed loop, as {@code overhead}'s. */
    private static final int WARM_UP_CLIENTS = 64;

    /**
     * The warm-up at full speed of each of the two deployments: {@code overhead}'s 60 s cap twice would add two
     * minutes to a full run (past its 10), and the goals here are out of reach on CPU either way (see BENCHMARKS.md).
     */
    private static final Duration WARM_UP_MOST =
            Duration.ofSeconds(Long.getLong("llmq.bench.slow-llm.warm-up-most-seconds", 20));

    @Override
    public String name() {
        return "slow-llm";
    }

    @Override
    public String description() {
        return "2 s answers, 2,000 q/s offered to one worker (-Xmx512m): completion ratio, p99, worker heap";
    }

    @Override
    public ScenarioResult run(Workspace workspace, Pace pace) throws Exception {
        // each request gives up after `wait` (over twice the p99 goal: a figure past it says enough), so that the last
        // one is over that long after its phase ends
        Duration wait = OpenLoop.PATIENCE;
        Duration phase = pace.scale(Duration.ofSeconds(10));
        // the worker alone first (queries straight onto the stream); then end to end on a deployment of its own, so
        // that neither the alone phase's backlog nor a drain of it (minutes, above capacity) reaches the second phase
        OpenLoop.Report alone;
        double aloneHeap;
        Map<String, Double> aloneCores;
        WarmUp.Report aloneWarmUp;
        try (Deployment llmq = new Deployment(workspace, name() + "-alone");
                StreamClient direct = new StreamClient(llmq.redis().url())) {
            Started started = startSimulatorAndWorker(llmq, false);
            aloneWarmUp = warmUp(llmq, started, pace, i -> direct.submitAndAwait("warm up " + i, wait));
            try (HeapSampler heap = new HeapSampler(workspace, started.worker().pid())) {
                CpuMeter cpu = CpuMeter.start(llmq.pids());
                long begun = System.nanoTime();
                alone = OpenLoop.run(
                        OFFERED, phase, wait, i -> direct.submitAndAwait("straight onto the stream " + i, wait));
                // CPU milliseconds per millisecond of the phase (its last requests' patience included): cores used
                aloneCores = cpu.millisPer(
                        Duration.ofNanos(System.nanoTime() - begun).toMillis());
                aloneHeap = heap.peakMegabytes();
            }
        }
        OpenLoop.Report report;
        double peakHeap;
        WarmUp.Report warmUp;
        try (Deployment llmq = new Deployment(workspace, name())) {
            Started started = startSimulatorAndWorker(llmq, true);
            QueryClient client = new QueryClient(started.api());
            warmUp = warmUp(llmq, started, pace, i -> client.submitAndAwait("warm up " + i, wait));
            try (HeapSampler heap = new HeapSampler(workspace, started.worker().pid())) {
                report = OpenLoop.run(OFFERED, phase, wait, i -> client.submitAndAwait("slow " + i, wait));
                peakHeap = heap.peakMegabytes();
            }
        }
        return new ScenarioResult(name())
                .goal("completed_ratio", ">=", 0.99, (double) report.completed() / report.offered())
                .goal("p99_ms", "<=", 2_200, report.percentileMillis(99))
                .goal("worker_peak_heap_mb", "<=", 512, peakHeap)
                .figure("offered_qps", OFFERED)
                .figure("offered", report.offered())
                .figure("completed", report.completed())
                .figure("failed", report.failed())
                .figure("p50_ms", report.percentileMillis(50))
                .figure("completed_qps", report.completedPerSecond())
                .figure("last_error", report.lastError())
                .figure("worker_alone_completed_ratio", (double) alone.completed() / alone.offered())
                .figure("worker_alone_p50_ms", alone.percentileMillis(50))
                .figure("worker_alone_p99_ms", alone.percentileMillis(99))
                .figure("worker_alone_peak_heap_mb", aloneHeap)
                .figure("worker_alone_cores_used", aloneCores)
                .figure("worker_alone_last_error", alone.lastError())
                .figure("warm_up_s", warmUp.took().toMillis() / 1000.0)
                .figure("warm_up_jit_shares", warmUp.compilerShares())
                .figure("worker_alone_warm_up_s", aloneWarmUp.took().toMillis() / 1000.0)
                .figure("worker_alone_warm_up_jit_shares", aloneWarmUp.compilerShares());
    }

    /** The deployment's simulator ({@code .../v1}) and worker, and the api's URL when one was started. */
    private record Started(String simulator, Launched worker, String api) {}

    /**
     * Starts the simulator (answering at once, until {@link #warmUp} slows it), the worker and (with {@code api}) an
     * api-service side by side.
     */
    private static Started startSimulatorAndWorker(Deployment llmq, boolean api) throws InterruptedException {
        var simulator = llmq.launchSimulator(
                "--llmq.simulator.time-to-first-token=0ms",
                "--llmq.simulator.per-token-delay=0ms",
                "--server.tomcat.threads.max=8000",
                "--server.tomcat.max-connections=20000");
        var worker = llmq.launchWorker(List.of("-Xmx512m"), "--llmq.worker.max-in-flight=6000");
        var starting = api ? llmq.launchApi(List.of("-Xmx1g"), Map.of()) : null;
        String simulatorUrl = simulator.await();
        Launched launched = worker.await();
        return new Started(
                simulatorUrl, launched, starting == null ? "" : starting.await().url());
    }

    /**
     * Warms the deployment up at full speed, as {@code overhead} does, until the JIT compilers settle: a slow LLM
     * would take minutes to run the calls that compile the worker's code (before 2026-12-03, 1,000 slow calls were
     * all the warm-up, and the compilers took 40 % of the worker's CPU in the measured phase). Then every reply is
     * slowed to {@link #ANSWER_TIME}.
     */
    private static WarmUp.Report warmUp(Deployment llmq, Started started, Pace pace, OpenLoop.Request request)
            throws Exception {
        WarmUp.Report report = WarmUp.run(llmq.pids(), pace, WARM_UP_CLIENTS, request, WARM_UP_MOST);
        llmq.awaitIdle(Duration.ofMinutes(3));
        SimulatorControl.stallEveryReply(started.simulator(), ANSWER_TIME);
        return report;
    }
}
