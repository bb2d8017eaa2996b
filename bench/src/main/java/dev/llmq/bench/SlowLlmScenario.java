package dev.llmq.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Thousands of queries in flight in one worker: the simulator takes 2 seconds per answer and 2,000 queries per second
 * are offered, so one worker process (heap capped at 512 MB) must hold 4,000 LLM calls at once on virtual threads.
 * Measured twice: the worker alone (queries put straight onto the stream, outcomes read from their channels), then
 * end to end through the api-service, whose HTTP handling is the first limit on this machine.
 */
final class SlowLlmScenario implements Scenario {

    static final double OFFERED = 2_000;

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
        // enough calls to compile the worker's call path (1,000), few enough for the drain after them to take seconds,
        // not the half a minute 2,500 took at the worker's ~100 answers a second
        double warmUpRate = 250;
        Duration warmUp = pace.scale(Duration.ofSeconds(4));
        // the worker alone first (queries straight onto the stream); then end to end on a deployment of its own, so
        // that neither the alone phase's backlog nor a drain of it (minutes, above capacity) reaches the second phase
        OpenLoop.Report alone;
        double aloneHeap;
        try (Deployment llmq = new Deployment(workspace, name() + "-alone");
                StreamClient direct = new StreamClient(llmq.redis().url())) {
            Launched worker = startSlowSimulatorAndWorker(llmq, false).worker();
            OpenLoop.run(warmUpRate, warmUp, wait, i -> direct.submitAndAwait("warm up " + i, wait));
            llmq.awaitIdle(Duration.ofMinutes(3));
            try (HeapSampler heap = new HeapSampler(workspace, worker.pid())) {
                alone = OpenLoop.run(
                        OFFERED, phase, wait, i -> direct.submitAndAwait("straight onto the stream " + i, wait));
                aloneHeap = heap.peakMegabytes();
            }
        }
        OpenLoop.Report report;
        double peakHeap;
        try (Deployment llmq = new Deployment(workspace, name())) {
            Started started = startSlowSimulatorAndWorker(llmq, true);
            Launched worker = started.worker();
            QueryClient client = new QueryClient(started.api());
            OpenLoop.run(warmUpRate, warmUp, wait, i -> client.submitAndAwait("warm up " + i, wait));
            llmq.awaitIdle(Duration.ofMinutes(3));
            try (HeapSampler heap = new HeapSampler(workspace, worker.pid())) {
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
                .figure("worker_alone_last_error", alone.lastError());
    }

    /** The slow simulator's worker, and the api's URL when one was started. */
    private record Started(Launched worker, String api) {}

    /** Starts the slow simulator, the worker and (with {@code api}) an api-service side by side. */
    private static Started startSlowSimulatorAndWorker(Deployment llmq, boolean api) throws InterruptedException {
        var simulator = llmq.launchSimulator(
                "--llmq.simulator.time-to-first-token=2000ms",
                "--llmq.simulator.per-token-delay=0ms",
                "--server.tomcat.threads.max=8000",
                "--server.tomcat.max-connections=20000");
        var worker = llmq.launchWorker(List.of("-Xmx512m"), "--llmq.worker.max-in-flight=6000");
        var starting = api ? llmq.launchApi(List.of("-Xmx1g"), Map.of()) : null;
        simulator.await();
        Launched launched = worker.await();
        return new Started(launched, starting == null ? "" : starting.await().url());
    }
}
