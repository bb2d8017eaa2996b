package dev.llmq.simulator;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.Timeout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Clients for tests: the official OpenAI SDK, as workers use it, and raw HTTP for what the SDK would not send. */
public final class SimulatorClients {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SimulatorClients() {}

    /** An SDK client for the simulator on {@code port}, validating every response against OpenAI's schema. */
    public static OpenAIClient openAi(int port) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + port + "/v1")
                .apiKey("test")
                .maxRetries(0)
                .responseValidation(true)
                .timeout(TIMEOUT)
                .build();
    }

    /**
     * An SDK client for the simulator on {@code port} that gives up on a request after {@code timeout} (the whole
     * call, or each read of a stream) and never retries: how a test sees a fault as a worker would.
     */
    public static OpenAIClient openAi(int port, Duration timeout) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://localhost:" + port + "/v1")
                .apiKey("test")
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Timeout.builder()
                        .connect(timeout)
                        .read(timeout)
                        .request(timeout)
                        .build())
                .build();
    }

    /** A chat completion request body for {@code model} with one user message, streamed or not. */
    public static String chatBody(String model, String userMessage, boolean stream) {
        return JSON.writeValueAsString(Map.of(
                "model", model, "stream", stream, "messages", List.of(Map.of("role", "user", "content", userMessage))));
    }

    /** A raw POST of {@code body} as JSON to {@code path}, with extra header name and value pairs. */
    public static HttpResponse<String> post(int port, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(postRequest(port, path, body), (name, value) -> true);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return send(request.build(), BodyHandlers.ofString());
    }

    /** A raw request of {@code method} with no body to {@code path}. */
    public static HttpResponse<String> request(int port, String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(uri(port, path))
                .timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return send(request, BodyHandlers.ofString());
    }

    /** A POST of {@code body} as JSON to {@code path}, for a test that reads the response as it arrives. */
    public static HttpRequest postRequest(int port, String path, String body) {
        return HttpRequest.newBuilder(uri(port, path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body))
                .build();
    }

    private static <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, handler);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Parses a JSON response body. */
    public static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    private static URI uri(int port, String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
