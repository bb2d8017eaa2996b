package dev.llmq.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider allows 600 requests a minute (the simulator answers 429 past it) and twice that is offered; llmq's
 * shared limiter, set to the same limit, must use the allowance (completion rate near 10/s) without provoking 429s.
 */
final class RateLimitedScenario implements Scenario {

    static final int LIMIT_PER_MINUTE = 600;

    @Override
    public String name() {
        return "rate-limited";
    }

    @Override
    public String description() {
        return "provider limit 600 requests/min, 20 q/s offered: completion rate vs the limit, share of calls answered 429";
    }

    @Override
    public ScenarioResult run(Workspace workspace, Pace pace) throws Exception {
        try (Deployment llmq = new Deployment(workspace, name())) {
            var launched = llmq.launchSimulator(
                    "--llmq.simulator.time-to-first-token=50ms",
                    "--llmq.simulator.per-token-delay=0ms",
                    "--llmq.simulator.limits.requests-per-window=" + LIMIT_PER_MINUTE,
                    "--llmq.simulator.limits.window=1m");
            var starting = llmq.launchApi(List.of("-Xmx1g"), Map.of());
            var worker = llmq.launchWorker(
                    List.of("-Xmx512m"),
                    "--llmq.llm.requests-per-window=" + LIMIT_PER_MINUTE,
                    "--llmq.llm.limit-window=1m");
            String simulator = launched.await();
            String api = starting.await().url();
            worker.await();
            QueryClient client = new QueryClient(api);
            Duration wait = Duration.ofSeconds(120);
            Duration run = pace.scale(Duration.ofSeconds(120));

            // only completions within the run count: the backlog left at its end is not waited for
            OpenLoop.Report report = OpenLoop.run(
                    LIMIT_PER_MINUTE / 30.0,
                    run,
                    Duration.ofMillis(100),
                    i -> client.submitAndAwait("limited " + i, wait));
            double completionRate = report.completed() / (run.toMillis() / 1000.0);
            double limitRate = LIMIT_PER_MINUTE / 60.0;

            JsonNode log = JsonMapper.builder().build().readTree(simulatorRequests(simulator));
            JsonNode entries = log.isArray() ? log : log.path("requests");
            long calls = 0;
            long rateLimited = 0;
            for (JsonNode entry : entries) {
                calls++;
                if (entry.path("status_code").asInt() == 429) {
                    rateLimited++;
                }
            }
            return new ScenarioResult(name())
                    .goal("completion_vs_limit", ">=", 0.95, completionRate / limitRate)
                    .goal("share_429", "<=", 0.01, calls == 0 ? 0 : (double) rateLimited / calls)
                    .figure("run_s", run.toSeconds())
                    .figure("completed", report.completed())
                    .figure("completed_per_s", completionRate)
                    .figure("provider_calls", calls)
                    .figure("provider_429", rateLimited)
                    .figure("offered", report.offered());
        }
    }

    private static String simulatorRequests(String simulatorV1) throws Exception {
        String base = simulatorV1.substring(0, simulatorV1.length() - "/v1".length());
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create(base + "/simulator/requests"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }
}
