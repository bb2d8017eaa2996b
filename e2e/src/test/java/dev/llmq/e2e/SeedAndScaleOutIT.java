package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisCli;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.simulator.SimulatedAnswers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed's examples and horizontal scaling, with every service a separate process on one Redis. */
class SeedAndScaleOutIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Cluster cluster;
    private static Cluster.Api api;
    private static ServiceProcess firstWorker;

    @BeforeAll
    static void start() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ofMillis(100));
        api = cluster.startApi();
        firstWorker = cluster.startWorker("--llmq.worker.max-in-flight=4");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void theSeedExamplesReturnTheAnswerAndKeyAndChannelCarryTheSameJson() throws Exception {
        String prompt = "Hello, how can I assist you today?";
        try (RedisCli subscriber = server.redis().cli()) {
            subscriber.call("PSUBSCRIBE", "query_result_*");
            long id = cluster.submit(api, prompt);

            HttpResponse<String> result = cluster.result(api, id, "30s");

            assertThat(result.statusCode()).isEqualTo(200);
            assertThat(result.body()).contains("\"text\":\"" + SimulatedAnswers.answerFor(prompt) + "\"");
            List<?> message = (List<?>)
                    CompletableFuture.supplyAsync(() -> readMessage(subscriber)).get(10, TimeUnit.SECONDS);
            assertThat(message.get(2)).isEqualTo("query_result_" + id);
            assertThat(message.get(3))
                    .isEqualTo(server.redis().call("GET", "query_result_" + id))
                    .isEqualTo(result.body());
        }
    }

    @Test
    void idsStayUniqueAcrossTwoApiProcessesAndARestart() {
        Cluster.Api second = cluster.startApi();
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            assertThat(ids.add(cluster.submit(i % 2 == 0 ? api : second, "unique " + i)))
                    .isTrue();
        }
        second.process().terminate(Duration.ofSeconds(30));

        Cluster.Api restarted = cluster.startApi();
        long afterRestart = cluster.submit(restarted, "after the restart");

        assertThat(afterRestart)
                .isGreaterThan(ids.stream().mapToLong(Long::longValue).max().orElseThrow());
        restarted.process().terminate(Duration.ofSeconds(30));
    }

    @Test
    void twoWorkerProcessesShareTheStreamAndAnswerEveryQueryExactlyOnce() {
        ServiceProcess secondWorker = cluster.startWorker("--llmq.worker.max-in-flight=4");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(cluster.submit(api, "shared " + i));
        }

        cluster.awaitOutcomes(ids, Duration.ofSeconds(60));

        assertThat(ids)
                .allSatisfy(
                        id -> assertThat(Cluster.storedCount(firstWorker, id) + Cluster.storedCount(secondWorker, id))
                                .as("outcomes stored for query %d", id)
                                .isEqualTo(1));
        assertThat(ids.stream().filter(id -> Cluster.storedCount(secondWorker, id) == 1))
                .isNotEmpty();
        assertThat(ids.stream().filter(id -> Cluster.storedCount(firstWorker, id) == 1))
                .isNotEmpty();
        assertThat(ids)
                .allSatisfy(id -> assertThat(cluster.result(api, id, "0").body())
                        .contains(SimulatedAnswers.answerFor("shared " + ids.indexOf(id))));
        secondWorker.terminate(Duration.ofSeconds(30));
    }

    private static Object readMessage(RedisCli subscriber) {
        try {
            while (true) {
                List<?> reply = (List<?>) subscriber.readReply();
                if ("pmessage".equals(reply.getFirst())) {
                    return reply;
                }
            }
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
