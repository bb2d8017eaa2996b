package dev.llmq.api.access;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Real HTTP calls to one api-service replica, with or without a bearer key, plus raw requests no client would send. */
final class AccessClient {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String host;
    private final int port;

    AccessClient(int port) {
        this("127.0.0.1", port);
    }

    AccessClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    HttpResponse<String> get(String path, @Nullable String key) {
        return send(request(path, key).GET().build());
    }

    HttpResponse<String> delete(String path, @Nullable String key) {
        return send(request(path, key).DELETE().build());
    }

    HttpResponse<String> post(String path, @Nullable String key, String json) {
        return send(request(path, key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> put(String path, @Nullable String key, String json) {
        return send(request(path, key)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    HttpResponse<String> postQuery(@Nullable String key, String prompt) {
        return post("/query", key, "{\"prompt\":\"" + prompt + "\"}");
    }

    /** Uploads a batch input file ({@code POST /v1/files}, multipart) and returns the response. */
    HttpResponse<String> uploadBatchFile(@Nullable String key, String jsonl) {
        String boundary = "access-test-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"input.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + jsonl + "\r\n--" + boundary + "--\r\n";
        return send(request("/v1/files", key)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    /** Creates a key for the tenant with the admin key and returns the secret. */
    String createKey(String adminKey, String tenant) {
        HttpResponse<String> created =
                post("/admin/keys", adminKey, "{\"tenant\":\"" + tenant + "\",\"name\":\"test key\"}");
        if (created.statusCode() != 201) {
            throw new AssertionError("creating a key failed: " + created.statusCode() + " " + created.body());
        }
        return field(created.body(), "key");
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private HttpRequest.Builder request(String path, @Nullable String key) {
        String authority = host.contains(":") ? "[" + host + "]" : host;
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + authority + ":" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder;
    }

    /**
     * Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and a body over a plain
     * socket, and returns everything the server answered until it closed the connection.
     */
    String raw(String head, String body) {
        try (Socket socket = new Socket(InetAddress.getByName(host), port)) {
            socket.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String request = head + "\r\nHost: " + host + "\r\nConnection: close\r\nContent-Length: " + bytes.length
                    + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return readUntilClosed(socket.getInputStream());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException ex) {
            // a reset ends the connection too
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!matcher.find()) {
            throw new AssertionError("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    static long idOf(HttpResponse<String> response) {
        Matcher matcher = Pattern.compile("\"id\":(\\d+)").matcher(response.body());
        if (!matcher.find()) {
            throw new AssertionError("no id in " + response.body());
        }
        return Long.parseLong(matcher.group(1));
    }
}
