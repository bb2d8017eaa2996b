package dev.llmq.api.query;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A Server-Sent Events client for tests: collects the events of one {@code GET /result/stream} as they arrive. */
final class SseClient {

    /** One event as sent: its id (or null), name and data. */
    record Event(String id, String name, String data) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private final CompletableFuture<Void> finished;

    SseClient(HttpClient http, String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        finished = response.thenAcceptAsync(reply -> collect(reply.body()));
    }

    private void collect(Stream<String> lines) {
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        for (String line : (Iterable<String>) lines::iterator) {
            if (line.isEmpty()) {
                if (name != null || !data.isEmpty()) {
                    events.add(new Event(id, name, data.toString()));
                }
                id = null;
                name = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5));
            }
        }
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    int status() {
        return response.join().statusCode();
    }

    /** Whether the replica refused the stream for want of a place (503 Overloaded), so the client should ask again. */
    boolean refused() {
        return response.isDone()
                && !response.isCompletedExceptionally()
                && response.join().statusCode() == 503;
    }

    boolean isFinished() {
        return finished.isDone();
    }

    /** Why the stream ended without its events (the request or the reading failed), or null. */
    String failure() {
        if (!finished.isCompletedExceptionally()) {
            return null;
        }
        try {
            finished.join();
            return null;
        } catch (java.util.concurrent.CompletionException ex) {
            return String.valueOf(ex.getCause());
        }
    }

    /** The answer text as the client assembled it from the delta events. */
    String text() {
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            if ("delta".equals(event.name())) {
                var matcher = java.util.regex.Pattern.compile("\"text\":\"((?:[^\"\\\\]|\\\\.)*)\"")
                        .matcher(event.data());
                if (matcher.find()) {
                    text.append(matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                }
            }
        }
        return text.toString();
    }
}
