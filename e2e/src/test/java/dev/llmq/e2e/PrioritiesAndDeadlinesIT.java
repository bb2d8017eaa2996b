package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real worker saturated by queued work (two slots, slow answers): high priority is served first, low is never
 * starved, and a query that cannot start by its deadline expires without reaching the provider.
 */
class PrioritiesAndDeadlinesIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Cluster cluster;
    private static Cluster.Api api;

    @BeforeAll
    static void start() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ofMillis(150));
        api = cluster.startApi();
        cluster.startWorker("--llmq.worker.max-in-flight=2");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void withWorkersSaturatedByLowPriorityWorkHighPriorityQueriesCompleteFirst() {
        List<Long> low = submit(16, "low", "backlog");
        List<Long> high = submit(4, "high", "urgent");
        // the lows the worker finished while the highs were still being submitted do not count: on a loaded machine
        // the submissions alone can take longer than several answers
        Instant highQueued = Instant.now();

        List<Long> all = new ArrayList<>(low);
        all.addAll(high);
        cluster.awaitOutcomes(all, Duration.ofSeconds(60));

        Instant lastHigh = high.stream()
                .map(this::completedAt)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        long lowBetween = low.stream()
                .map(this::completedAt)
                .filter(at -> at.isAfter(highQueued) && at.isBefore(lastHigh))
                .count();
        assertThat(lowBetween)
                .as("low queries finished after the high ones were queued and before the last high one finished (two"
                        + " were running when the high ones came)")
                .isLessThanOrEqualTo(6);
    }

    @Test
    void lowPriorityIsNeverStarvedByAStreamOfHighPriorityWork() {
        List<Long> low = submit(3, "low", "patient");
        List<Long> high = submit(40, "high", "pressing");

        List<Long> all = new ArrayList<>(low);
        all.addAll(high);
        cluster.awaitOutcomes(all, Duration.ofSeconds(90));

        Instant firstLow = low.stream()
                .map(this::completedAt)
                .min(Comparator.naturalOrder())
                .orElseThrow();
        long highAfterFirstLow = high.stream()
                .map(this::completedAt)
                .filter(at -> at.isAfter(firstLow))
                .count();
        assertThat(highAfterFirstLow)
                .as("high queries still to finish when the first low one finished")
                .isGreaterThanOrEqualTo(10);
    }

    @Test
    void aQueryThatCannotStartByItsDeadlineExpiresWithoutAnLlmCall() {
        List<Long> backlog = submit(12, "normal", "ahead in line");
        Instant deadline = Instant.now().plusMillis(400);
        HttpResponse<String> posted = post("{\"prompt\":\"too late for me\",\"deadline\":\"" + deadline + "\"}");
        long id = Cluster.idOf(posted.body());

        cluster.awaitOutcomes(List.of(id), Duration.ofSeconds(30));
        cluster.awaitOutcomes(backlog, Duration.ofSeconds(60));

        Outcome outcome = ProtocolJson.decodeOutcome(stored(id));
        assertThat(outcome.status()).isEqualTo(QueryStatus.EXPIRED);
        assertThat(outcome.result()).isEqualTo(new Outcome.Expired(deadline));
        assertThat(outcome.attempts()).isZero();
        assertThat(SimulatorLog.read(cluster).withPrompt("too late for me")).isEmpty();
    }

    private List<Long> submit(int count, String priority, String prompt) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> posted =
                    post("{\"prompt\":\"" + prompt + " " + i + "\",\"priority\":\"" + priority + "\"}");
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            ids.add(Cluster.idOf(posted.body()));
        }
        return ids;
    }

    private HttpResponse<String> post(String json) {
        return cluster.postJson(api, json);
    }

    private Instant completedAt(long id) {
        return ProtocolJson.decodeOutcome(stored(id)).completedAt();
    }

    private static String stored(long id) {
        return (String) server.redis().call("GET", RedisKeys.resultKey(new QueryId(id)));
    }
}
