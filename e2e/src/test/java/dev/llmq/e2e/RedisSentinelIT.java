package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisSentinelExtension;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.simulator.SimulatedAnswers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * llmq on a primary and a replica watched by a Sentinel ({@code LLMQ_REDIS_SENTINEL_NODES}, {@code
 * LLMQ_REDIS_SENTINEL_MASTER}): an api-service, a worker and the simulator as processes, and a {@code SENTINEL
 * FAILOVER} while queries keep coming in.
 */
class RedisSentinelIT {

    @RegisterExtension
    static RedisSentinelExtension redis = new RedisSentinelExtension();

    private static Cluster cluster;
    private static Cluster.Api api;
    private static ServiceProcess worker;

    @BeforeAll
    static void start() {
        cluster = new Cluster(redis.redis());
        // a submission is accepted only once the replica has it: none accepted is lost in the failover
        CompletableFuture<Cluster.Api> starting =
                CompletableFuture.supplyAsync(() -> cluster.startApi(Map.of("LLMQ_REDIS_CONFIRM_REPLICAS", "1")));
        cluster.startSimulator(Duration.ofMillis(50));
        // an outcome stored on the old primary in the failover's last moment is lost with it; its entry is reclaimed
        worker = cluster.startWorker("--llmq.worker.reclaim-after=3s");
        api = starting.join();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void everyServiceSaysItUsesTheSentinels() {
        for (ServiceProcess process : List.of(api.process(), worker)) {
            assertThat(process.output()).contains("Using Redis (sentinel) at primary 'llmq' via Sentinels 127.0.0.1:");
        }
    }

    @Test
    void queriesStillCompleteAfterAFailoverDuringLightLoad() throws Exception {
        List<Accepted> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(
                () -> {
                    String prompt = "light load " + sent.incrementAndGet();
                    HttpResponse<String> response = cluster.post(api, prompt);
                    if (response.statusCode() == 200) {
                        accepted.add(new Accepted(Cluster.idOf(response.body()), prompt, Instant.now()));
                    } else {
                        refused.incrementAndGet();
                    }
                },
                0,
                50,
                TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() >= 10);

        Instant failoverStarted = Instant.now();
        redis.redis().failover();
        Instant failoverDone = Instant.now();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> accepted.stream()
                                .filter(query -> query.at().isAfter(failoverDone))
                                .count()
                        >= 10);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        List<String> wrong = new ArrayList<>();
        long duringTheFailover = 0;
        for (Accepted query : accepted) {
            HttpResponse<String> result = cluster.result(api, query.id(), "30s");
            // its own answer: a query given an id issued again must not find the outcome of a lost one
            boolean answered = result.statusCode() == 200
                    && result.body().contains("\"status\":\"succeeded\"")
                    && result.body().contains(SimulatedAnswers.answerFor(query.prompt()) + "\"");
            boolean inTheFailover =
                    query.at().isAfter(failoverStarted) && query.at().isBefore(failoverDone);
            duringTheFailover += inTheFailover ? 1 : 0;
            if (!answered) {
                wrong.add("query %d (%s) accepted %s the failover: %d %s"
                        .formatted(
                                query.id(),
                                query.prompt(),
                                inTheFailover ? "during" : query.at().isBefore(failoverStarted) ? "before" : "after",
                                result.statusCode(),
                                result.body()));
            }
        }
        System.out.printf(
                "Sentinel failover took %d ms; %d queries accepted (%d during it), %d refused (5xx)%n",
                Duration.between(failoverStarted, failoverDone).toMillis(),
                accepted.size(),
                duringTheFailover,
                refused.get());
        assertThat(wrong)
                .as("accepted queries not answered with their own answer")
                .isEmpty();
        assertThat(accepted.stream().filter(query -> query.at().isAfter(failoverDone)))
                .as("queries accepted after the failover")
                .isNotEmpty();
        long id = cluster.submit(api, "after the failover");
        assertThat(cluster.result(api, id, "30s").body()).contains("\"status\":\"succeeded\"");
    }

    private record Accepted(long id, String prompt, Instant at) {}
}
