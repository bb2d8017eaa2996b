package dev.llmq.simulator.limit;

import static dev.llmq.simulator.SimulatorClients.chatBody;
import static dev.llmq.simulator.SimulatorClients.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Account-wide limits set through {@code /simulator/limits} and enforced over all clients. */
@ZeroLatencySimulatorTest
class RateLimitsIT {

    private static final String LIMITS = "/simulator/limits";
    private static final String COMPLETIONS = "/v1/chat/completions";

    @LocalServerPort
    private int port;

    @AfterEach
    void liftLimits() {
        assertThat(SimulatorClients.request(port, "DELETE", LIMITS).statusCode())
                .isEqualTo(204);
    }

    @Test
    void refusesConcurrentRequestsOverTheRequestLimitUntilTheWindowSlides() {
        setLimits("{\"requests_per_window\":5,\"window\":\"2s\"}");

        List<HttpResponse<String>> responses = concurrently(8, chatBody("gpt-4o", "hi", false));

        List<HttpResponse<String>> refused = responses.stream()
                .filter(response -> response.statusCode() == 429)
                .toList();
        assertThat(refused).hasSize(3).allSatisfy(response -> {
            assertThat(Long.parseLong(
                            response.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 2L);
            assertThat(response.headers().firstValue("x-ratelimit-remaining-requests"))
                    .contains("0");
            assertThat(json(response.body()).at("/error/type").stringValue()).isEqualTo("requests");
            assertThat(json(response.body()).at("/error/code").stringValue()).isEqualTo("rate_limit_exceeded");
        });
        assertThat(responses)
                .filteredOn(response -> response.statusCode() == 200)
                .hasSize(5)
                .allSatisfy(response -> assertThat(response.headers().firstValue("x-ratelimit-limit-requests"))
                        .contains("5"));
        await().atMost(Duration.ofSeconds(4))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> post(chatBody("gpt-4o", "again", false)).statusCode() == 200);
    }

    @Test
    void countsPromptTokensPlusMaxTokensAgainstTheTokenLimit() {
        setLimits("{\"tokens_per_window\":30,\"window\":\"2s\"}");
        String tenTokens =
                "{\"model\":\"gpt-4o\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        List<Integer> statuses = IntStream.range(0, 4)
                .mapToObj(i -> post(tenTokens).statusCode())
                .toList();

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        OpenAIClient client = SimulatorClients.openAi(port);
        try {
            assertThatExceptionOfType(RateLimitException.class)
                    .isThrownBy(() -> client.chat()
                            .completions()
                            .create(ChatCompletionCreateParams.builder()
                                    .model("gpt-4o")
                                    .addUserMessage("hi")
                                    .maxTokens(9)
                                    .build()))
                    .satisfies(ex -> {
                        assertThat(ex.type()).contains("tokens");
                        assertThat(ex.headers().values("retry-after")).hasSize(1);
                        assertThat(ex.headers().values("x-ratelimit-remaining-tokens"))
                                .containsExactly("0");
                    });
        } finally {
            client.close();
        }
        await().atMost(Duration.ofSeconds(4))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> post(tenTokens).statusCode() == 200);
    }

    @Test
    void refusesARequestLargerThanTheTokenLimitAsTooLarge() {
        setLimits("{\"tokens_per_window\":30,\"window\":\"2s\"}");

        HttpResponse<String> response =
                post("{\"model\":\"gpt-4o\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(json(response.body()).at("/error/message").stringValue()).startsWith("Request too large");
    }

    @Test
    void reportsUnlimitedDimensionsOnEverySuccessfulResponse() {
        HttpResponse<String> response = post(chatBody("gpt-4o", "hi", false));

        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).contains("2147483647");
        assertThat(response.headers().firstValue("x-ratelimit-remaining-tokens"))
                .contains("2147483647");
        assertThat(response.headers().firstValue("x-ratelimit-reset-tokens")).contains("0s");
    }

    @Test
    void showsReplacesAndLiftsTheLimits() {
        HttpResponse<String> set =
                setLimits("{\"requests_per_window\":60,\"tokens_per_window\":1000,\"window\":\"10s\"}");
        post(chatBody("gpt-4o", "hi", false));

        JsonNode shown = json(SimulatorClients.request(port, "GET", LIMITS).body());
        assertThat(json(set.body()).get("window").stringValue()).isEqualTo("10s");
        assertThat(shown.get("requests_per_window").intValue()).isEqualTo(60);
        assertThat(shown.get("tokens_per_window").longValue()).isEqualTo(1000);
        assertThat(shown.at("/headers/x-ratelimit-remaining-requests").stringValue())
                .isEqualTo("59");
        SimulatorClients.request(port, "DELETE", LIMITS);
        JsonNode lifted = json(SimulatorClients.request(port, "GET", LIMITS).body());
        assertThat(lifted.get("requests_per_window").isNull()).isTrue();
        assertThat(lifted.get("window").stringValue()).isEqualTo("1m");
    }

    @Test
    void rejectsInvalidLimitsWithABadRequest() {
        HttpResponse<String> response = SimulatorClients.post(port, LIMITS, "{\"requests_per_window\":0}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).at("/error/message").stringValue()).contains("at least 1");
    }

    private HttpResponse<String> setLimits(String body) {
        HttpResponse<String> response = SimulatorClients.post(port, LIMITS, body);
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private HttpResponse<String> post(String body) {
        return SimulatorClients.post(port, COMPLETIONS, body);
    }

    private List<HttpResponse<String>> concurrently(int requests, String body) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            List<CompletableFuture<HttpResponse<String>>> sent = IntStream.range(0, requests)
                    .mapToObj(i -> http.sendAsync(
                            SimulatorClients.postRequest(port, COMPLETIONS, body), BodyHandlers.ofString()))
                    .toList();
            return sent.stream().map(CompletableFuture::join).toList();
        }
    }
}
