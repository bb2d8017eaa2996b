package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.simulator.SimulatedAnswers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workers that die (kill -9) or stop (SIGTERM) while the LLM is slow lose nothing and answer nothing twice. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerCrashIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Cluster cluster;
    private static Cluster.Api api;

    @BeforeAll
    static void start() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ofSeconds(3));
        api = cluster.startApi();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    @Order(1)
    void afterAKillNineOfAWorkerEveryAcceptedQueryCompletesOnceWithinSeconds() {
        ServiceProcess doomed =
                cluster.startWorker("--llmq.worker.reclaim-after=2s", "--llmq.worker.reap-interval=500ms");
        List<Long> ids = submit(20, "crash");
        awaitPending(20);

        doomed.kill();
        ServiceProcess rescuer =
                cluster.startWorker("--llmq.worker.reclaim-after=2s", "--llmq.worker.reap-interval=500ms");

        cluster.awaitOutcomes(ids, Duration.ofSeconds(30));
        assertAnsweredOnceBy(rescuer, ids, "crash");
        assertThat(rescuer.output()).contains("reclaimed from a dead or stopped worker");
        awaitPending(0);
        rescuer.terminate(Duration.ofSeconds(30));
    }

    @Test
    @Order(2)
    void aTerminatedWorkerStopsReadingAndFinishesWhatItHolds() {
        ServiceProcess worker = cluster.startWorker("--llmq.worker.shutdown-grace=20s");
        List<Long> ids = submit(5, "graceful");
        awaitPending(5);

        worker.terminate(Duration.ofSeconds(40));

        assertThat(ids)
                .allSatisfy(id -> assertThat(server.redis().call("EXISTS", "query_result_" + id))
                        .isEqualTo(1L));
        assertAnsweredOnceBy(worker, ids, "graceful");
        assertThat(worker.output()).contains("stopping: no new queries");
        awaitPending(0);
    }

    @Test
    @Order(3)
    void aWorkerStoppingPastItsGraceHandsItsQueriesBackForImmediateReclaim() {
        ServiceProcess impatient = cluster.startWorker("--llmq.worker.shutdown-grace=100ms");
        List<Long> ids = submit(3, "handed back");
        awaitPending(3);

        impatient.terminate(Duration.ofSeconds(30));
        assertThat(impatient.output()).contains("Handing back 3 unfinished queries");
        // reclaim-after is far longer than the wait below: only the hand-back makes these claimable this soon
        ServiceProcess next =
                cluster.startWorker("--llmq.worker.reclaim-after=10m", "--llmq.worker.reap-interval=500ms");

        cluster.awaitOutcomes(ids, Duration.ofSeconds(30));
        assertAnsweredOnceBy(next, ids, "handed back");
        next.terminate(Duration.ofSeconds(30));
    }

    private static List<Long> submit(int count, String prefix) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(cluster.submit(api, prefix + " " + i));
        }
        return ids;
    }

    private static void assertAnsweredOnceBy(ServiceProcess worker, List<Long> ids, String prefix) {
        for (int i = 0; i < ids.size(); i++) {
            long id = ids.get(i);
            assertThat(Cluster.storedCount(worker, id))
                    .as("outcomes stored for query %d", id)
                    .isEqualTo(1);
            assertThat(cluster.result(api, id, "0").body())
                    .contains("\"status\":\"succeeded\"", SimulatedAnswers.answerFor(prefix + " " + i));
        }
    }

    private static void awaitPending(long count) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<?> summary = (List<?>) server.redis().call("XPENDING", "{llmq}:queries", "llmq-workers");
                    return (Long) summary.getFirst() == count;
                });
    }
}
