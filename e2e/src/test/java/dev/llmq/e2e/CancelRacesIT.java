package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cancels at random moments while a real worker streams slow answers from the simulator, through two api-service
 * replicas: every query ends in exactly one terminal state, and a running query's provider call is aborted.
 */
class CancelRacesIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Cluster cluster;
    private static Cluster.Api apiA;
    private static Cluster.Api apiB;
    private static ServiceProcess worker;

    @BeforeAll
    static void start() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ofMillis(100), "--llmq.simulator.per-token-delay=50ms");
        apiA = cluster.startApi();
        apiB = cluster.startApi();
        worker = cluster.startWorker("--llmq.worker.max-in-flight=8");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aRunningQueryCancelledOnAnotherReplicaHasItsProviderCallAborted() {
        String prompt = "please write a long answer about " + "queues and streams and workers ".repeat(8);
        long id = cluster.submit(apiA, prompt);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.result(apiA, id, "0").body().contains("\"status\":\"running\""));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !SimulatorLog.read(cluster).withPrompt(prompt).isEmpty());

        HttpResponse<String> cancelled = cluster.cancel(apiB, id);

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.body()).contains("\"status\":\"cancelled\"", "\"started_at\"");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(SimulatorLog.read(cluster).withPrompt(prompt))
                        .singleElement()
                        .satisfies(call -> assertThat(call.clientDisconnected())
                                .as("the simulator saw the disconnect")
                                .isTrue()));
        await().atMost(Duration.ofSeconds(10)).until(() -> aborted(id));
        assertThat(cluster.result(apiA, id, "0").body()).isEqualTo(cancelled.body());
        assertThat(Cluster.storedCount(worker, id)).isZero();
    }

    @Test
    void cancelsAtRandomMomentsLeaveEveryQueryInExactlyOneTerminalState() throws Exception {
        Random random = new Random(42);
        List<Long> ids = new ArrayList<>();
        Map<Long, String> prompts = new ConcurrentHashMap<>();
        Map<Long, HttpResponse<String>> cancels = new ConcurrentHashMap<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 30; i++) {
                String prompt = "race number " + i + " with some words to say";
                long id = cluster.submit(i % 2 == 0 ? apiA : apiB, prompt);
                ids.add(id);
                prompts.put(id, prompt);
                long delay = random.nextLong(1500);
                Cluster.Api via = random.nextBoolean() ? apiA : apiB;
                pool.submit(() -> {
                    Thread.sleep(delay);
                    cancels.put(id, cluster.cancel(via, id));
                    return null;
                });
            }
        }
        cluster.awaitOutcomes(ids, Duration.ofSeconds(60));

        int cancelled = 0;
        for (long id : ids) {
            HttpResponse<String> cancel = cancels.get(id);
            String stored =
                    (String) server.redis().call("GET", RedisKeys.resultKey(new dev.llmq.shared.query.QueryId(id)));
            QueryStatus status = ProtocolJson.decodeOutcome(stored).status();
            if (cancel.statusCode() == 200) {
                cancelled++;
                assertThat(status).as("query %d", id).isEqualTo(QueryStatus.CANCELLED);
                assertThat(cancel.body()).isEqualTo(stored);
                assertThat(Cluster.storedCount(worker, id)).as("query %d", id).isZero();
            } else {
                assertThat(cancel.statusCode())
                        .as("query %d: %s", id, cancel.body())
                        .isEqualTo(409);
                assertThat(status).as("query %d", id).isEqualTo(QueryStatus.SUCCEEDED);
                assertThat(Cluster.storedCount(worker, id)).as("query %d", id).isEqualTo(1);
            }
        }
        assertThat(cancelled).as("some cancels came in time").isPositive().isLessThan(ids.size());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String stream : RedisKeys.QUERY_STREAMS) {
                assertThat(server.redis().call("XLEN", stream)).as(stream).isEqualTo(0L);
            }
        });
        List<Long> aborted = ids.stream().filter(CancelRacesIT::aborted).toList();
        assertThat(aborted).as("cancels that caught a call in progress").isNotEmpty();
        // A cancel can interrupt the call before its request reached the simulator (no call to see), or land after
        // the answer was streamed but before the worker stored it (a completed call): each aborted query made at most
        // one call, and at least one cancel must have cut a call off mid-answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SimulatorLog log = SimulatorLog.read(cluster);
            for (long id : aborted) {
                assertThat(log.withPrompt(prompts.get(id)))
                        .as("query %d's provider calls", id)
                        .hasSizeLessThanOrEqualTo(1);
            }
            assertThat(aborted)
                    .as("aborted queries whose provider call was cut off")
                    .anyMatch(id ->
                            log.withPrompt(prompts.get(id)).stream().anyMatch(SimulatorLog.Call::clientDisconnected));
        });
    }

    /** Whether the worker logged aborting the query's LLM call because it was cancelled. */
    private static boolean aborted(long id) {
        return java.util.regex.Pattern.compile("query=" + id + " entry=\\S+ LLM call aborted: the query was cancelled")
                .matcher(worker.output())
                .find();
    }
}
