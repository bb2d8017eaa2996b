package dev.llmq.api.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP calls against a running api-service, as a client would make them. */
final class ApiTestSupport {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ApiTestSupport(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** The address of {@code pathAndQuery} on this api. */
    String url(String pathAndQuery) {
        return base + pathAndQuery;
    }

    HttpResponse<String> post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    HttpResponse<String> postQuery(String prompt) {
        return post("/query", "application/json", "{\"prompt\":\"" + prompt + "\"}");
    }

    HttpResponse<String> get(String pathAndQuery) {
        return send(
                HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static long idOf(HttpResponse<String> response) {
        var matcher = java.util.regex.Pattern.compile("\"id\":(\\d+)").matcher(response.body());
        if (!matcher.find()) {
            throw new AssertionError("no id in " + response.body());
        }
        return Long.parseLong(matcher.group(1));
    }
}
