package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Provider limits and retries shared by worker processes, checked against what reached the simulator. */
class SharedLimitsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private Cluster cluster;

    @AfterEach
    void stop() {
        cluster.close();
        server.redis().flushAll();
    }

    @Test
    void aRetryAfterFromOneWorkersCallHoldsBackEveryWorker() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ZERO);
        Cluster.Api api = cluster.startApi();
        cluster.startWorker();
        cluster.startWorker();
        cluster.controlSimulator("POST", "/simulator/faults", "{\"fault\":\"429;retry-after=3\",\"count\":1}");

        long first = cluster.submit(api, "the one that hits the limit");
        // once the worker that got the 429 has paused the provider for everyone (until, on Redis's clock)
        String pauseKey = "{llmq:provider:default}:paused-until";
        await().atMost(Duration.ofSeconds(20)).until(() -> server.redis().call("GET", pauseKey) != null);
        long pausedUntil = Long.parseLong((String) server.redis().call("GET", pauseKey));
        assertThat(SimulatorLog.read(cluster).count("fault:429")).isEqualTo(1);
        List<Long> ids = new ArrayList<>(List.of(first));
        for (int i = 0; i < 10; i++) {
            ids.add(cluster.submit(api, "held back " + i));
        }

        cluster.awaitOutcomes(ids, Duration.ofSeconds(30));
        List<SimulatorLog.Call> later =
                SimulatorLog.read(cluster).calls().stream().skip(1).toList();
        assertThat(later)
                .hasSize(11)
                .allSatisfy(call -> assertThat(call.arrivedAtMillis())
                        .as("%s arrived before the Retry-After ran out", call.prompt())
                        .isGreaterThanOrEqualTo(pausedUntil - 50));
    }

    @Test
    void aRetryWaitingWhenItsWorkerIsKilledStillHappensOnce() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ZERO);
        Cluster.Api api = cluster.startApi();
        ServiceProcess doomed =
                cluster.startWorker("--llmq.worker.retry-initial-delay=3s", "--llmq.worker.retry-max-delay=3s");
        cluster.controlSimulator("POST", "/simulator/faults", "{\"fault\":\"503\",\"count\":1}");

        long id = cluster.submit(api, "retry survives");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.redis().call("ZCARD", "{llmq}:retries").equals(1L));
        doomed.kill();
        cluster.startWorker();

        cluster.awaitOutcomes(List.of(id), Duration.ofSeconds(30));
        assertThat(cluster.result(api, id, "0").body()).contains("\"status\":\"succeeded\"", "\"attempts\":2");
        assertThat(SimulatorLog.read(cluster).withPrompt("retry survives"))
                .extracting(SimulatorLog.Call::status)
                .containsExactly(503, 200);
    }

    @Test
    void threeWorkersKeepToTheProvidersRequestLimitTogether() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(
                Duration.ZERO, "--llmq.simulator.limits.requests-per-window=60", "--llmq.simulator.limits.window=10s");
        Cluster.Api api = cluster.startApi();
        String[] limited = {
            "--llmq.llm.requests-per-window=60", "--llmq.llm.limit-window=10s", "--llmq.worker.max-in-flight=300"
        };
        cluster.startWorker(limited);
        cluster.startWorker(limited);
        cluster.startWorker(limited);

        List<Long> ids = new ArrayList<>();
        // two and a half windows' worth: the limit is held across window boundaries, not only in the first one
        for (int i = 0; i < 150; i++) {
            ids.add(cluster.submit(api, "limited " + i));
        }

        cluster.awaitOutcomes(ids, Duration.ofSeconds(90));
        assertThat(ids)
                .allSatisfy(
                        id -> assertThat(cluster.result(api, id, "0").body()).contains("\"status\":\"succeeded\""));
        SimulatorLog log = SimulatorLog.read(cluster);
        long start = log.calls().getFirst().arrivedAtMillis();
        List<Long> refusedAt = log.calls().stream()
                .filter(call -> call.outcome().equals("rate_limited"))
                .map(call -> call.arrivedAtMillis() - start)
                .toList();
        // almost none: a worker's first call can reach the provider seconds after its budget was taken (JVM warm-up),
        // when the shared window has already moved on
        assertThat(refusedAt)
                .as(
                        "calls the simulator refused (ms after the first call) out of %d",
                        log.calls().size())
                .hasSizeLessThanOrEqualTo(15);
    }
}
