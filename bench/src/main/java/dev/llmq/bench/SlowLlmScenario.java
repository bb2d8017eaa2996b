package dev.llmq.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Thousands of queries in flight in one worker: the simulator takes 2 seconds per answer and 2,000 queries per second
 * are offered, so one worker process (heap capped at 512 MB) must hold 4,000 LLM calls at once on virtual threads.
 * Measured twice: the worker alone (queries put straight onto the stream, outcomes read from their channels), then
 * end to end through the api-service, whose HTTP handling is the first limit on this machine. Each deployment is
 * first warmed up at full speed until its JIT compilers settle, then the simulator is slowed (a run-wide
 * {@code stall-before-first-byte} rule).
 */
final class SlowLlmScenario implements Scenario {

    /** The goal's rate; {@code -Dllmq.bench.slow-llm.offered} explores others (a rate the machine keeps up with). */
    static final double OFFERED = Double.parseDouble(System.getProperty("llmq.bench.slow-llm.offered", "2000"));

    /** How long the simulator takes per answer in the measured phases. */
    static final Duration ANSWER_TIME = Duration.ofSeconds(2);

    /**
     * LLM calls held open in the worker at once to weigh what each holds: half the goal's 4,000 in flight (its rate
     * times the answer time), since the figure is per call and 4,000 took 24 s of a run that must stay under 10
     * minutes.
     */
    static final int HELD_CALLS = 2_000;

    /** Clients of the warm-up's closed loop, as {@code overhead}'s. */
    private static final int WARM_UP_CLIENTS = 64;

    /**
     * The warm-up at full speed of each of the two deployments: {@code overhead}'s 55 s cap twice would add two
     * minutes to a full run (past its 10), and the goals here are out of reach on CPU either way (see BENCHMARKS.md).
     */
    private static final Duration WARM_UP_MOST =
            Duration.ofSeconds(Long.getLong("llmq.bench.slow-llm.warm-up-most-seconds", 10));

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
        Map<String, Double> aloneCpuPerCompleted;
        WarmUp.Report aloneWarmUp;
        HeldCalls held;
        try (Deployment llmq = new Deployment(workspace, name() + "-alone");
                StreamClient direct = new StreamClient(llmq.redis().url())) {
            Started started = startSimulatorAndWorker(llmq, false);
            aloneWarmUp = warmUp(llmq, started, pace, i -> direct.submitAndAwait("warm up " + i, wait));
            held = holdCalls(workspace, llmq, started, direct, HELD_CALLS);
            SimulatorControl.stallEveryReply(started.simulator(), ANSWER_TIME);
            try (HeapSampler heap = new HeapSampler(workspace, started.worker().pid())) {
                CpuMeter cpu = CpuMeter.start(llmq.pids());
                long begun = System.nanoTime();
                alone = OpenLoop.run(
                        OFFERED, phase, wait, i -> direct.submitAndAwait("straight onto the stream " + i, wait));
                // CPU milliseconds per millisecond of the phase (its last requests' patience included): cores used
                aloneCores = cpu.millisPer(
                        Duration.ofNanos(System.nanoTime() - begun).toMillis());
                // comparable across builds only at a rate the worker keeps up with (else unfinished calls are in it)
                aloneCpuPerCompleted = cpu.millisPer(alone.completed());
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
            SimulatorControl.stallEveryReply(started.simulator(), ANSWER_TIME);
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
                .figure("worker_live_heap_mb_idle", held.liveIdleMegabytes())
                .figure("worker_live_heap_mb_with_held_calls", held.liveHoldingMegabytes())
                .figure("worker_held_calls", held.calls())
                .figure("worker_live_heap_kb_per_call", held.kilobytesPerCall())
                .figure("worker_held_calls_open_s", held.openSeconds())
                .figure("worker_held_calls_answered", held.answered())
                .figure("worker_alone_completed_ratio", (double) alone.completed() / alone.offered())
                .figure("worker_alone_p50_ms", alone.percentileMillis(50))
                .figure("worker_alone_p99_ms", alone.percentileMillis(99))
                .figure("worker_alone_peak_heap_mb", aloneHeap)
                .figure("worker_alone_cores_used", aloneCores)
                .figure("worker_alone_cpu_ms_per_completed", aloneCpuPerCompleted)
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
     * all the warm-up, and the compilers took 40 % of the worker's CPU in the measured phase). The caller then slows
     * every reply to {@link #ANSWER_TIME}.
     */
    private static WarmUp.Report warmUp(Deployment llmq, Started started, Pace pace, OpenLoop.Request request)
            throws Exception {
        WarmUp.Report report = WarmUp.run(llmq.pids(), pace, WARM_UP_CLIENTS, request, WARM_UP_MOST);
        llmq.awaitIdle(Duration.ofMinutes(3));
        return report;
    }

    /**
     * What the worker's live heap holds per LLM call in flight, with CPU out of the picture: the simulator holds every
     * reply while {@code count} queries are put onto the stream; once the worker has taken them all (the consumer
     * group's pending count) and a moment more for their calls to reach the simulator, the live heap (after a full
     * GC) less the idle one's is divided by the calls, and the class histogram is written beside the results
     * ({@code slow-llm-worker-class-histogram.txt}). Then the simulator lets them all go and the worker answers them.
     */
    private static HeldCalls holdCalls(
            Workspace workspace, Deployment llmq, Started started, StreamClient direct, int count) throws Exception {
        long worker = started.worker().pid();
        double idle = HeapSampler.liveMegabytes(workspace, worker);
        SimulatorControl.hold(started.simulator());
        long begun = System.nanoTime();
        List<StreamClient.Submitted> submitted = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            submitted.add(direct.submit("held " + i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (llmq.redis().pendingEntries() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        double openSeconds = (System.nanoTime() - begun) / 1e9;
        // a taken query's call is on its way: its begin (one round trip), then the request to the simulator
        Thread.sleep(1_000);
        long taken = llmq.redis().pendingEntries();
        double holding = HeapSampler.liveMegabytes(workspace, worker);
        HeapSampler.classHistogram(
                workspace, worker, workspace.results().resolve("slow-llm-worker-class-histogram.txt"));
        SimulatorControl.release(started.simulator());
        long answered = 0;
        long answersDue = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (StreamClient.Submitted query : submitted) {
            try {
                long left = Math.max(0, answersDue - System.nanoTime());
                if (query.outcome().get(left, TimeUnit.NANOSECONDS).contains("\"succeeded\"")) {
                    answered++;
                }
            } catch (TimeoutException | ExecutionException ex) {
                // counted as not answered
            }
            direct.forget(query.id());
        }
        llmq.awaitIdle(Duration.ofMinutes(3));
        return new HeldCalls(taken, idle, holding, openSeconds, answered);
    }

    /** Live heap of the worker idle and with {@code calls} LLM calls held open. */
    private record HeldCalls(
            long calls, double liveIdleMegabytes, double liveHoldingMegabytes, double openSeconds, long answered) {

        double kilobytesPerCall() {
            return calls == 0
                    ? Double.NaN
                    : Math.round((liveHoldingMegabytes - liveIdleMegabytes) * 1024 / calls * 10) / 10.0;
        }
    }
}
