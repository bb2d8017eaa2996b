package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisClusterExtension;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.shared.testing.TestRedisCluster;
import dev.llmq.simulator.SimulatedAnswers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * llmq on a Redis Cluster (3 primaries, 3 replicas) found through {@code LLMQ_REDIS_CLUSTER_NODES}: two api-service
 * replicas, a worker and the simulator as processes. Results stored on every primary wake waiters on the other api
 * replica through its one pattern subscription; cancels reach the worker.
 */
class RedisClusterIT {

    @RegisterExtension
    static RedisClusterExtension redis = new RedisClusterExtension(3, 1);

    private static Cluster cluster;
    private static Cluster.Api apiA;
    private static Cluster.Api apiB;
    private static ServiceProcess worker;

    @BeforeAll
    static void start() {
        cluster = new Cluster(redis.redis());
        // in parallel: the JVMs' startup is most of this test's time
        CompletableFuture<Cluster.Api> a = CompletableFuture.supplyAsync(cluster::startApi);
        CompletableFuture<Cluster.Api> b = CompletableFuture.supplyAsync(cluster::startApi);
        cluster.startSimulator(Duration.ofMillis(300), "--llmq.simulator.per-token-delay=20ms");
        worker = cluster.startWorker("--llmq.worker.max-in-flight=16");
        apiA = a.join();
        apiB = b.join();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void everyServiceSaysItUsesTheCluster() {
        for (ServiceProcess process : List.of(apiA.process(), apiB.process(), worker)) {
            assertThat(process.output()).contains("Using Redis (cluster) at cluster seeded by 127.0.0.1:");
        }
    }

    @Test
    void queriesSubmittedOnOneReplicaWakeWaitersOnTheOtherWhicheverPrimaryHoldsTheirResult() {
        List<String> prompts = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            prompts.add("cluster question " + i);
            ids.add(cluster.submit(apiA, prompts.getLast()));
        }
        // each GET starts waiting before the answer exists (300 ms to first token) and is woken by pub/sub
        List<CompletableFuture<HttpResponse<String>>> waits = ids.stream()
                .map(id -> CompletableFuture.supplyAsync(() -> cluster.result(apiB, id, "20s")))
                .toList();

        for (int i = 0; i < ids.size(); i++) {
            HttpResponse<String> result = waits.get(i).join();
            assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
            assertThat(result.body())
                    .contains("\"status\":\"succeeded\"", "\"text\":\"" + SimulatedAnswers.answerFor(prompts.get(i)));
        }
        TestRedisCluster nodes = redis.redis();
        assertThat(ids.stream()
                        .map(id -> nodes.primaryOf(RedisKeys.resultKey(new QueryId(id))))
                        .collect(Collectors.toSet()))
                .as("results were stored on every primary")
                .hasSize(3);
        assertThat(nodes.replicas())
                .hasSize(3)
                .allSatisfy(replica -> assertThat((String) nodes.callOn(replica, "CLIENT", "LIST"))
                        .as("no service reads from or subscribes on a replica")
                        .doesNotContain("name=llmq-"));
        assertThat(nodes.primaries())
                .allSatisfy(primary -> assertThat((String) nodes.callOn(primary, "CLIENT", "LIST"))
                        .contains("name=llmq-api", "name=llmq-worker"));
    }

    @Test
    void aRunningQueryCancelledOnTheOtherReplicaEndsCancelled() {
        String prompt = "a long answer please about " + "slots and shards ".repeat(20);
        long id = cluster.submit(apiA, prompt);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.result(apiA, id, "0").body().contains("\"status\":\"running\""));

        HttpResponse<String> cancelled = cluster.cancel(apiB, id);

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.body()).contains("\"status\":\"cancelled\"");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(worker.output()).contains("query=" + id + " cancelled by its client"));
        assertThat(cluster.result(apiA, id, "0").body()).isEqualTo(cancelled.body());
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(SimulatorLog.read(cluster).withPrompt(prompt))
                        .singleElement()
                        .satisfies(call -> assertThat(call.clientDisconnected())
                                .as("the worker heard the cancel and cut the provider call")
                                .isTrue()));
    }
}
