package dev.llmq.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the {@code /query} + {@code /result} contract, for llmq and for any service that speaks it (the
 * baseline): submit a prompt, then wait for its outcome with long-polling {@code GET /result}.
 */
final class QueryClient {

    /** A query that took longer than this from submission to outcome is recorded with its requests' timings. */
    static final Duration SLOW = Duration.ofSeconds(5);

    /** Slow queries kept until taken: the first ones are the clue; an overloaded open loop would make thousands. */
    private static final int SLOW_QUERIES_KEPT = 100;

    private static final Queue<String> SLOW_QUERIES = new ConcurrentLinkedQueue<>();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final String baseUrl;
    private final @Nullable String apiKey;

    QueryClient(String baseUrl) {
        this(baseUrl, HttpClient.Version.HTTP_1_1);
    }

    /**
     * A client speaking {@code version}; over cleartext HTTP/2 ({@code --server.http2.enabled}) its connection is
     * upgraded by {@link #upgrade()} before any other request.
     */
    QueryClient(String baseUrl, HttpClient.Version version) {
        this(baseUrl, version, null);
    }

    /** As {@link #QueryClient(String, HttpClient.Version)}, sending {@code apiKey} as a bearer token if not null. */
    QueryClient(String baseUrl, HttpClient.Version version, @Nullable String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder()
                .version(version)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery));
        return apiKey == null ? request : request.header("Authorization", "Bearer " + apiKey);
    }

    /**
     * Sends one request without a body, which upgrades an HTTP/2 client's connection (h2c): the JDK's client opens a
     * new HTTP/1.1 connection for every request sent before an upgrade completed. Throws when the api answered over
     * another version than the client asked for.
     */
    void upgrade() throws IOException, InterruptedException {
        upgrade(http, baseUrl);
    }

    /** As {@link #upgrade()}, for {@code http} and the api at {@code baseUrl}. */
    static void upgrade(HttpClient http, String baseUrl) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.version() != http.version()) {
            throw new IOException("the api answered over " + response.version() + ", not " + http.version());
        }
    }

    /** Submits {@code prompt}; returns the query's id. */
    long submit(String prompt) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                request("/query")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"prompt\":" + JSON.writeValueAsString(prompt) + "}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("POST /query answered " + response.statusCode() + ": " + response.body());
        }
        return idOf(response.body());
    }

    /**
     * Submits {@code prompt}, again after a pause whenever llmq refuses it with 503 (it sheds load when Redis answers
     * too slowly, as on a saturated machine): for scenarios that measure something other than submission.
     */
    long submitPatiently(String prompt) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return submit(prompt);
            } catch (IOException ex) {
                if (attempt >= 20 || !ex.getMessage().contains(" answered 503")) {
                    throw ex;
                }
                Thread.sleep(Math.min(2_000, 50L * attempt));
            }
        }
    }

    /**
     * Waits for query {@code id}'s outcome (long-polling, again on each 202) and returns its body; throws when it did
     * not succeed.
     */
    String awaitSucceeded(long id, Duration wait) throws IOException, InterruptedException {
        return awaitSucceeded(id, wait, new ArrayList<>());
    }

    /** As {@link #awaitSucceeded(long, Duration)}, adding each wait's status and milliseconds to {@code waits}. */
    private String awaitSucceeded(long id, Duration wait, List<String> waits) throws IOException, InterruptedException {
        HttpRequest request = request("/result?id=" + id + "&wait=" + wait.toSeconds() + "s")
                .timeout(wait.plusSeconds(30))
                .GET()
                .build();
        while (true) {
            long sent = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            waits.add(response.statusCode() + " after " + (System.nanoTime() - sent) / 1_000_000 + " ms");
            if (response.statusCode() == 200) {
                if (!response.body().contains("\"succeeded\"")) {
                    throw new IOException("query " + id + " did not succeed: " + response.body());
                }
                return response.body();
            }
            if (response.statusCode() != 202) {
                throw new IOException("GET /result answered " + response.statusCode() + ": " + response.body());
            }
        }
    }

    /**
     * Submits {@code prompt} and waits for its answer. A query that takes longer than {@link #SLOW} is recorded with
     * how long its submission and each of its waits took ({@link #takeSlowQueries()}): a clue for the logs of llmq.
     */
    void submitAndAwait(String prompt, Duration wait) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long id = submit(prompt);
        long submitted = System.nanoTime();
        List<String> waits = new ArrayList<>();
        try {
            awaitSucceeded(id, wait, waits);
        } finally {
            long end = System.nanoTime();
            if (end - start > SLOW.toNanos() && SLOW_QUERIES.size() < SLOW_QUERIES_KEPT) {
                SLOW_QUERIES.add("query " + id + ": POST " + (submitted - start) / 1_000_000 + " ms, GET " + waits);
            }
        }
    }

    /** The slow queries recorded since the last call (the first {@value #SLOW_QUERIES_KEPT}), oldest first. */
    static List<String> takeSlowQueries() {
        List<String> taken = new ArrayList<>();
        for (String slow; (slow = SLOW_QUERIES.poll()) != null; ) {
            taken.add(slow);
        }
        return taken;
    }

    static long idOf(String body) throws IOException {
        int at = body.indexOf("\"id\":");
        if (at < 0) {
            throw new IOException("no id in " + body);
        }
        int from = at + 5;
        int to = from;
        while (to < body.length() && Character.isDigit(body.charAt(to))) {
            to++;
        }
        return Long.parseLong(body.substring(from, to));
    }
}
