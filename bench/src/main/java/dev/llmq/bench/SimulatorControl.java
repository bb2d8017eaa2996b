package dev.llmq.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The simulator's run-wide fault rules ({@code /simulator/faults}), as a scenario uses them: every reply held until
 * released, so that a running worker takes queries without answering them; or every reply slowed, so that a
 * deployment warmed up at full speed is then measured against a slow LLM.
 */
final class SimulatorControl {

    /** Longer than any scenario holds: a hold that nothing releases ends by itself after this. */
    private static final Duration MOST = Duration.ofMinutes(15);

    private SimulatorControl() {}

    /** From now on, the simulator at {@code apiUrl} ({@code .../v1}) holds every reply until {@link #release}. */
    static void hold(String apiUrl) throws IOException, InterruptedException {
        rule(apiUrl, "hold;seconds=" + MOST.toSeconds());
    }

    /** From now on, the simulator at {@code apiUrl} sends every reply {@code stall} late (its first byte included). */
    static void stallEveryReply(String apiUrl, Duration stall) throws IOException, InterruptedException {
        rule(apiUrl, "stall-before-first-byte;seconds=" + stall.toMillis() / 1000.0);
    }

    private static void rule(String apiUrl, String fault) throws IOException, InterruptedException {
        send(
                apiUrl,
                HttpRequest.newBuilder(faults(apiUrl))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"fault\":\"" + fault + "\"}"))
                        .build());
    }

    /** Removes the simulator's rules, which releases every held reply at once. */
    static void release(String apiUrl) throws IOException, InterruptedException {
        send(apiUrl, HttpRequest.newBuilder(faults(apiUrl)).DELETE().build());
    }

    private static void send(String apiUrl, HttpRequest request) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                        + ": " + response.body());
            }
        }
    }

    private static URI faults(String apiUrl) {
        return URI.create(apiUrl.replaceFirst("/v1$", "") + "/simulator/faults");
    }
}
