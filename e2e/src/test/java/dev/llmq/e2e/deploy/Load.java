package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.e2e.Cluster;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A short load that gives every panel of the dashboard something to show: queries of each priority with waiting
 * GETs, one refused, one failing after a retry, one retried after a provider 429, one cancelled while running, one
 * streamed over SSE, and one malformed stream entry that a worker dead-letters. It starts once Prometheus has seen
 * the idle services, and comes in two waves with a scrape between them, so that the histograms, created by their
 * first observation, also grow while Prometheus watches.
 */
final class Load {

    private static final int QUERIES = 30;
    private static final List<String> PRIORITIES = List.of("high", "normal", "low");
    private static final Duration SCRAPED = Duration.ofSeconds(20);

    private final Cluster cluster;
    private final Cluster.Api api;
    private final TestRedis redis;
    private final PrometheusServer prometheus;
    private final List<Long> ids = new ArrayList<>();

    Load(Cluster cluster, Cluster.Api api, TestRedis redis, PrometheusServer prometheus) {
        this.cluster = cluster;
        this.api = api;
        this.redis = redis;
        this.prometheus = prometheus;
    }

    void run() {
        prometheus.awaitResult("count(up == 1) == 2 and on() count(llmq_dead_letters_entries == 0) > 0", SCRAPED);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            assertThat(cluster.postJson(api, "{\"prompt\": 42}").statusCode()).isEqualTo(400);
            redis.call("XADD", RedisKeys.QUERY_STREAM, "*", RedisKeys.QUERY_FIELD, "not a query");
            cluster.controlSimulator("POST", "/simulator/faults", "{\"fault\": \"429;retry-after=1\", \"count\": 1}");

            Future<String> streamed = clients.submit(() ->
                    stream(submit("a slow answer streamed " + "[[fault:slow-stream;per-token=300ms]]", "normal")));
            List<Future<HttpResponse<String>>> waits = new ArrayList<>();
            for (int i = 0; i < QUERIES; i++) {
                if (i == QUERIES / 2) {
                    prometheus.awaitResult(
                            "sum(llmq_queries_completed_queries_total{outcome=\"succeeded\"}) >= " + i, SCRAPED);
                }
                long id = submit("question " + i, PRIORITIES.get(i % PRIORITIES.size()));
                waits.add(clients.submit(() -> cluster.result(api, id, "30s")));
            }
            long failing = submit("always overloaded [[fault:503]]", "low");
            waits.add(clients.submit(() -> cluster.result(api, failing, "30s")));
            cancelWhileRunning(submit("a slow answer cancelled [[fault:slow-stream;per-token=1s]]", "high"));

            for (Future<HttpResponse<String>> wait : waits) {
                assertThat(result(wait).statusCode()).isEqualTo(200);
            }
            assertThat(result(waits.getLast()).body()).contains("\"status\":\"failed\"");
            assertThat(result(streamed)).contains("event:outcome");
            cluster.awaitOutcomes(ids, Duration.ofSeconds(30));
        }
    }

    private long submit(String prompt, String priority) {
        HttpResponse<String> response =
                cluster.postJson(api, "{\"prompt\": \"" + prompt + "\", \"priority\": \"" + priority + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        long id = Cluster.idOf(response.body());
        ids.add(id);
        return id;
    }

    private void cancelWhileRunning(long id) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> cluster.result(api, id, "0").body().contains("\"status\":\"running\""));
        HttpResponse<String> cancelled = cluster.cancel(api, id);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    }

    /** Reads {@code GET /result/stream} to its end; returns every line. */
    private String stream(long id) {
        HttpResponse<String> response =
                cluster.send(HttpRequest.newBuilder(URI.create(api.url() + "/result/stream?id=" + id))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static <T> T result(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
