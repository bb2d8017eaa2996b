package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every kind of bad input gets the right 4xx as problem JSON that says what is wrong; none gets a 5xx. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=api-service")
class BadInputIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final String TWO_MIB = "x".repeat(2 * 1024 * 1024);

    @LocalServerPort
    int port;

    private ApiTestSupport api;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeEach
    void setUp() {
        api = new ApiTestSupport(port);
    }

    static Stream<Arguments> badPosts() {
        return Stream.of(
                Arguments.of("empty body", "application/json", "", 400, "JSON body is required"),
                Arguments.of("empty object", "application/json", "{}", 400, "'prompt' is required"),
                Arguments.of("blank prompt", "application/json", "{\"prompt\":\"  \\n \"}", 400, "must not be blank"),
                Arguments.of("null prompt", "application/json", "{\"prompt\":null}", 400, "'prompt' is required"),
                Arguments.of(
                        "number prompt", "application/json", "{\"prompt\":123}", 400, "'prompt' has the wrong type"),
                Arguments.of(
                        "array prompt", "application/json", "{\"prompt\":[\"a\"]}", 400, "'prompt' has the wrong type"),
                Arguments.of(
                        "object prompt",
                        "application/json",
                        "{\"prompt\":{\"a\":1}}",
                        400,
                        "'prompt' has the wrong type"),
                Arguments.of("malformed JSON", "application/json", "{\"prompt\":", 400, "malformed JSON"),
                Arguments.of("not an object", "application/json", "[1,2]", 400, "Invalid request"),
                Arguments.of("trailing garbage", "application/json", "{\"prompt\":\"a\"} x", 400, "Invalid request"),
                Arguments.of(
                        "unknown field",
                        "application/json",
                        "{\"prompt\":\"a\",\"evil\":1}",
                        400,
                        "unknown field 'evil'"),
                Arguments.of(
                        "2 MiB body", "application/json", "{\"prompt\":\"" + TWO_MIB + "\"}", 413, "exceeds the limit"),
                Arguments.of("text/plain", "text/plain", "{\"prompt\":\"hi\"}", 415, "text/plain"),
                Arguments.of(
                        "prompt and messages",
                        "application/json",
                        "{\"prompt\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}",
                        400,
                        "not both"),
                Arguments.of("no messages", "application/json", "{\"messages\":[]}", 400, "'messages'"),
                Arguments.of(
                        "messages not a list",
                        "application/json",
                        "{\"messages\":\"hi\"}",
                        400,
                        "'messages' has the wrong type"),
                Arguments.of(
                        "unknown role",
                        "application/json",
                        "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
                        400,
                        "'role'"),
                Arguments.of(
                        "message without content",
                        "application/json",
                        "{\"messages\":[{\"role\":\"user\"}]}",
                        400,
                        "'content'"),
                Arguments.of(
                        "no user message",
                        "application/json",
                        "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}",
                        400,
                        "a user message"),
                Arguments.of(
                        "model not allowed",
                        "application/json",
                        "{\"prompt\":\"a\",\"model\":\"gpt-9\"}",
                        400,
                        "not available"),
                Arguments.of(
                        "temperature too high",
                        "application/json",
                        "{\"prompt\":\"a\",\"temperature\":3}",
                        400,
                        "'temperature'"),
                Arguments.of(
                        "max_tokens not a number",
                        "application/json",
                        "{\"prompt\":\"a\",\"max_tokens\":\"ten\"}",
                        400,
                        "'max_tokens' has the wrong type"),
                Arguments.of(
                        "max_tokens zero",
                        "application/json",
                        "{\"prompt\":\"a\",\"max_tokens\":0}",
                        400,
                        "'max_tokens'"),
                Arguments.of(
                        "five stop sequences",
                        "application/json",
                        "{\"prompt\":\"a\",\"stop\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}",
                        400,
                        "'stop'"),
                Arguments.of(
                        "unknown response format",
                        "application/json",
                        "{\"prompt\":\"a\",\"response_format\":{\"type\":\"xml\"}}",
                        400,
                        "'response_format.type'"));
    }

    @ParameterizedTest(name = "POST /query with {0} -> {3}")
    @MethodSource("badPosts")
    void badPostsGetAClearProblem(String name, String contentType, String body, int status, String detail) {
        HttpResponse<String> response = api.post("/query", contentType, body);

        assertProblem(response, status, detail);
    }

    @ParameterizedTest(name = "POST /query chunked 2 MiB -> 413")
    @MethodSource("chunkedOnly")
    void aChunkedBodyOverTheLimitIs413(String ignored) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(("{\"prompt\":\"" + TWO_MIB + "\"}").getBytes())))
                .build();

        assertProblem(api.send(request), 413, "exceeds the limit");
    }

    static Stream<String> chunkedOnly() {
        return Stream.of("chunked");
    }

    static Stream<Arguments> badGets() {
        return Stream.of(
                Arguments.of("/result", 400, "'id'"),
                Arguments.of("/result?id=abc", 400, "'abc'"),
                Arguments.of("/result?id=-1", 400, "'-1'"),
                Arguments.of("/result?id=0", 400, "'0'"),
                Arguments.of("/result?id=99999999999999999999", 400, "'99999999999999999999'"),
                Arguments.of("/result?id=1%0d%0aSET%20x", 400, "not a valid query id"),
                Arguments.of("/result?id=12345678", 404, "no query with id 12345678"),
                Arguments.of("/result?id=1&wait=abc", 400, "'wait'"),
                Arguments.of("/result?id=1&wait=-5s", 400, "'wait'"),
                Arguments.of("/result?id=1&wait=5h", 400, "'wait'"),
                Arguments.of("/nothing-here", 404, "/nothing-here"));
    }

    @ParameterizedTest(name = "GET {0} -> {1}")
    @MethodSource("badGets")
    void badGetsGetAClearProblem(String path, int status, String detail) {
        assertProblem(api.get(path), status, detail);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status).contains(detail);
    }
}
