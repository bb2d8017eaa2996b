package dev.llmq.api.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls to the Batch API as one tenant, with an API key the admin endpoint creates for it. */
final class BatchClient {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BOUNDARY = "llmq-test-boundary";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The admin key the tests' api-service is started with ({@code llmq.api.admin-key}). */
    static final String ADMIN_KEY = "batch-it-admin-key-0123456789abcdef";

    private final String base;
    private final String key;

    BatchClient(int port, String tenant) {
        this.base = "http://127.0.0.1:" + port;
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(base + "/admin/keys"))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"" + tenant + "\",\"name\":\"batch tests\"}"))
                .build());
        if (created.statusCode() != 201) {
            throw new AssertionError("creating a key failed: " + created.statusCode() + " " + created.body());
        }
        this.key = json(created).get("key").asString();
    }

    HttpResponse<String> upload(String filename, byte[] content, String purpose) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose
                        + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + filename + "\"\r\nContent-Type: application/jsonl\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send(request("/v1/files")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    String uploadId(String jsonl) {
        HttpResponse<String> response = upload("input.jsonl", jsonl.getBytes(StandardCharsets.UTF_8), "batch");
        if (response.statusCode() != 200) {
            throw new AssertionError(response.statusCode() + " " + response.body());
        }
        return json(response).get("id").asString();
    }

    HttpResponse<String> post(String path, String contentType, String body) {
        return send(request(path)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    HttpResponse<String> createBatch(String fileId) {
        return post(
                "/v1/batches",
                "application/json",
                "{\"input_file_id\":\"" + fileId
                        + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\","
                        + "\"metadata\":{\"job\":\"test\"}}");
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    JsonNode batch(String id) {
        return json(get("/v1/batches/" + id));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** A batch input file of {@code n} chat requests with custom ids {@code req-0 .. req-(n-1)}. */
    static String lines(int n) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < n; i++) {
            jsonl.append("{\"custom_id\":\"req-")
                    .append(i)
                    .append(
                            "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o-mini\","
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"question ")
                    .append(i)
                    .append("\"}],\"max_tokens\":50}}\n");
        }
        return jsonl.toString();
    }

    static int numberOf(String question) {
        Matcher matcher = Pattern.compile("question (\\d+)").matcher(question);
        if (!matcher.find()) {
            throw new AssertionError("not a test question: " + question);
        }
        return Integer.parseInt(matcher.group(1));
    }
}
