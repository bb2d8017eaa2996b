package dev.llmq.e2e.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * A client waiting for one query's result with {@code GET /result?id=N&wait=W} on a random replica, as a client behind
 * a load balancer would: a failed request (refused connection while a replica is down, a 5xx while Redis is) is tried
 * again on a random replica until {@link Settings#retryFor()} has passed.
 *
 * <p>"Timely": the decisive reply is a {@code 200} with the outcome, or a {@code 202} that came within {@code W} plus
 * {@link Settings#slack()} of its request (the server held the request no longer than it said it would, give or take
 * a loaded machine). Anything else (a late {@code 202}, a {@code 404} for an accepted query, no answer at all) is not.
 */
public final class ChaosWaiter {

    /**
     * @param waitFor the {@code wait=} each request asks for
     * @param slack how much longer than {@code wait} a {@code 202} may take and still be timely
     * @param retryFor how long a client keeps trying after failed requests
     */
    public record Settings(Duration waitFor, Duration slack, Duration retryFor) {}

    /** How one waiting client ended. */
    public enum Kind {
        RESULT,
        TIMELY_202,
        LATE_202,
        NOT_FOUND,
        FAILED;

        public boolean timely() {
            return this == RESULT || this == TIMELY_202;
        }
    }

    /**
     * One waiting client: its query, how it ended, the body of a {@code 200}, how long its decisive request took and
     * how many requests it sent.
     */
    public record Wait(long id, Kind kind, String body, long elapsedMillis, int requests, String detail) {}

    private final HttpClient http;
    private final List<String> replicas;
    private final Settings settings;
    private final Random random;

    ChaosWaiter(HttpClient http, List<String> replicas, Settings settings, long seed) {
        this.http = http;
        this.replicas = replicas;
        this.settings = settings;
        this.random = new Random(seed);
    }

    /** Waits for {@code id}'s result; blocks for up to about wait + slack + retryFor. */
    Wait await(long id) {
        long giveUpAt = System.nanoTime() + settings.retryFor().toNanos();
        String lastFailure = "";
        int requests = 0;
        while (true) {
            requests++;
            String replica = pickReplica();
            long started = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request(replica, id), HttpResponse.BodyHandlers.ofString());
                long elapsed = (System.nanoTime() - started) / 1_000_000;
                switch (response.statusCode()) {
                    case 200 -> {
                        return new Wait(id, Kind.RESULT, response.body(), elapsed, requests, replica);
                    }
                    case 202 -> {
                        boolean timely = elapsed
                                <= settings.waitFor().plus(settings.slack()).toMillis();
                        return new Wait(id, timely ? Kind.TIMELY_202 : Kind.LATE_202, null, elapsed, requests, replica);
                    }
                    case 404 -> {
                        return new Wait(id, Kind.NOT_FOUND, null, elapsed, requests, response.body());
                    }
                    default -> lastFailure = response.statusCode() + " from " + replica;
                }
            } catch (IOException ex) {
                lastFailure = ex.getClass().getSimpleName() + " from " + replica;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return new Wait(id, Kind.FAILED, null, 0, requests, "interrupted");
            }
            if (System.nanoTime() > giveUpAt) {
                return new Wait(id, Kind.FAILED, null, 0, requests, lastFailure);
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private synchronized String pickReplica() {
        return replicas.get(random.nextInt(replicas.size()));
    }

    private HttpRequest request(String replica, long id) {
        return HttpRequest.newBuilder(URI.create(replica + "/result?id=" + id + "&wait="
                        + settings.waitFor().toMillis() + "ms"))
                .timeout(settings.waitFor().plus(settings.slack()).plusSeconds(10))
                .GET()
                .build();
    }
}
