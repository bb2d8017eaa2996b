package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every kind of bad input to every endpoint (malformed, oversized, wrong types, unknown fields, injection attempts in
 * ids and headers) gets a 4xx as problem JSON whose detail says what is wrong; none gets a 5xx. Each endpoint has its
 * own row source; {@link #rows()} joins them, so another endpoint adds a method and one line there.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // the batch sweeper's commands (once a second by default) would count as sent while refusing bad ids
        properties = {"spring.config.name=api-service", "llmq.api.batch-sweep-interval=1h"})
class BadInputIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final String TWO_MIB = "x".repeat(2 * 1024 * 1024);

    /** Ids a client might send to reach another key or channel, URL-encoded as they would travel. */
    static final List<String> INJECTED_IDS = List.of(
            "1%3BDEL%20x", // 1;DEL x
            "*",
            "query_result_*",
            "query_result_1",
            "%0D%0AX:%20y", // CR LF X: y
            "%D9%A1%D9%A2%D9%A3", // Arabic-Indic digits 123
            "%EF%BC%91", // fullwidth digit 1
            "%2B1", // +1
            "-1",
            "0",
            "0x10",
            "1e3",
            "1.0",
            "1234567890123456789", // 19 digits
            "99999999999999999999999999999999",
            "",
            "%20",
            "%201",
            "1%20",
            "%00",
            "1%00",
            "abc",
            "%7Bllmq%7D", // {llmq}
            "1&id=2");

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

    static Stream<BadRequest> rows() {
        return Stream.of(
                        postQuery(),
                        idempotencyKeys(),
                        getResult(),
                        getResultStream(),
                        deleteQuery(),
                        injectedIds(),
                        elsewhere())
                .flatMap(rows -> rows);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void badInputGetsA4xxProblemSayingWhatIsWrong(BadRequest row) {
        RawExchange response = RawExchange.send(port, row.method(), row.target(), row.headers(), row.body());

        assertThat(response.status())
                .as(response.body())
                .isEqualTo(row.status())
                .isBetween(400, 499);
        assertThat(response.headers().get("content-type")).as(response.body()).startsWith("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + row.status()).contains(row.detail());
    }

    /** POST /query: malformed, oversized, wrong types, unknown fields, out-of-range values. */
    static Stream<BadRequest> postQuery() {
        return Stream.concat(
                Stream.of(
                        row("empty body", "application/json", "", 400, "JSON body is required"),
                        row("empty object", "application/json", "{}", 400, "'prompt' is required"),
                        row("blank prompt", "application/json", "{\"prompt\":\"  \\n \"}", 400, "must not be blank"),
                        row("null prompt", "application/json", "{\"prompt\":null}", 400, "'prompt' is required"),
                        row(
                                "number prompt",
                                "application/json",
                                "{\"prompt\":123}",
                                400,
                                "'prompt' has the wrong type"),
                        row(
                                "array prompt",
                                "application/json",
                                "{\"prompt\":[\"a\"]}",
                                400,
                                "'prompt' has the wrong type"),
                        row(
                                "object prompt",
                                "application/json",
                                "{\"prompt\":{\"a\":1}}",
                                400,
                                "'prompt' has the wrong type"),
                        row("malformed JSON", "application/json", "{\"prompt\":", 400, "malformed JSON"),
                        row("not an object", "application/json", "[1,2]", 400, "Invalid request"),
                        row("trailing garbage", "application/json", "{\"prompt\":\"a\"} x", 400, "Invalid request"),
                        row(
                                "unknown field",
                                "application/json",
                                "{\"prompt\":\"a\",\"evil\":1}",
                                400,
                                "unknown field 'evil'"),
                        row(
                                "2 MiB body",
                                "application/json",
                                "{\"prompt\":\"" + TWO_MIB + "\"}",
                                413,
                                "exceeds the limit"),
                        row("text/plain", "text/plain", "{\"prompt\":\"hi\"}", 415, "text/plain"),
                        row(
                                "prompt and messages",
                                "application/json",
                                "{\"prompt\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}",
                                400,
                                "not both"),
                        row("no messages", "application/json", "{\"messages\":[]}", 400, "'messages'"),
                        row(
                                "messages not a list",
                                "application/json",
                                "{\"messages\":\"hi\"}",
                                400,
                                "'messages' has the wrong type"),
                        row(
                                "unknown role",
                                "application/json",
                                "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}",
                                400,
                                "'role'"),
                        row(
                                "message without content",
                                "application/json",
                                "{\"messages\":[{\"role\":\"user\"}]}",
                                400,
                                "'content'"),
                        row(
                                "no user message",
                                "application/json",
                                "{\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}",
                                400,
                                "a user message"),
                        row(
                                "model not allowed",
                                "application/json",
                                "{\"prompt\":\"a\",\"model\":\"gpt-9\"}",
                                400,
                                "not available"),
                        row(
                                "temperature too high",
                                "application/json",
                                "{\"prompt\":\"a\",\"temperature\":3}",
                                400,
                                "'temperature'"),
                        row(
                                "max_tokens not a number",
                                "application/json",
                                "{\"prompt\":\"a\",\"max_tokens\":\"ten\"}",
                                400,
                                "'max_tokens' has the wrong type"),
                        row(
                                "max_tokens zero",
                                "application/json",
                                "{\"prompt\":\"a\",\"max_tokens\":0}",
                                400,
                                "'max_tokens'"),
                        row(
                                "five stop sequences",
                                "application/json",
                                "{\"prompt\":\"a\",\"stop\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}",
                                400,
                                "'stop'"),
                        row(
                                // found by the fuzz tests: a 500 until GenerationOptions refused it
                                "a null stop sequence",
                                "application/json",
                                "{\"prompt\":\"a\",\"stop\":[null]}",
                                400,
                                "'stop'"),
                        row(
                                "unknown response format",
                                "application/json",
                                "{\"prompt\":\"a\",\"response_format\":{\"type\":\"xml\"}}",
                                400,
                                "'response_format.type'")),
                postQueryOptions());
    }

    /** POST /query: the llmq fields and every generation option with a wrong type or value. */
    static Stream<BadRequest> postQueryOptions() {
        return Stream.of(
                row("unknown priority", "{\"prompt\":\"a\",\"priority\":\"urgent\"}", "'priority' must be one of"),
                row("upper-case priority", "{\"prompt\":\"a\",\"priority\":\"HIGH\"}", "'priority' must be one of"),
                row("number priority", "{\"prompt\":\"a\",\"priority\":1}", "'priority' has the wrong type"),
                row("deadline not a date", "{\"prompt\":\"a\",\"deadline\":\"tomorrow\"}", "'deadline' must be"),
                row(
                        "deadline without offset",
                        "{\"prompt\":\"a\",\"deadline\":\"2030-01-01T00:00:00\"}",
                        "'deadline' must be"),
                row(
                        "deadline passed",
                        "{\"prompt\":\"a\",\"deadline\":\"2000-01-01T00:00:00Z\"}",
                        "has already passed"),
                row(
                        "deadline past the result TTL",
                        "{\"prompt\":\"a\",\"deadline\":\"2999-01-01T00:00:00Z\"}",
                        "must be no later than"),
                row("number deadline", "{\"prompt\":\"a\",\"deadline\":1700000000}", "'deadline' has the wrong type"),
                row("model a number", "{\"prompt\":\"a\",\"model\":4}", "'model' has the wrong type"),
                row(
                        "temperature a string",
                        "{\"prompt\":\"a\",\"temperature\":\"hot\"}",
                        "'temperature' has the wrong type"),
                row("top_p an object", "{\"prompt\":\"a\",\"top_p\":{}}", "'top_p' has the wrong type"),
                row("seed a string", "{\"prompt\":\"a\",\"seed\":\"x\"}", "'seed' has the wrong type"),
                row("seed past a long", "{\"prompt\":\"a\",\"seed\":1e40}", "'seed' has the wrong type"),
                row(
                        "max_tokens fractional",
                        "{\"prompt\":\"a\",\"max_tokens\":1.5}",
                        "'max_tokens' has the wrong type"),
                row(
                        "max_tokens a boolean",
                        "{\"prompt\":\"a\",\"max_tokens\":true}",
                        "'max_tokens' has the wrong type"),
                row("stop a number", "{\"prompt\":\"a\",\"stop\":5}", "'stop' has the wrong type"),
                row("response_format a string", "{\"prompt\":\"a\",\"response_format\":\"json\"}", "'response_format'"),
                row("message not an object", "{\"messages\":[\"hi\"]}", "'messages[0]' has the wrong type"),
                row(
                        "message content a number",
                        "{\"messages\":[{\"role\":\"user\",\"content\":1}]}",
                        "'messages[0].content' has the wrong type"),
                row(
                        "unknown field in a message",
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\",\"name\":\"x\"}]}",
                        "unknown field 'name'"),
                row("tenant field", "{\"prompt\":\"a\",\"tenant\":\"other\"}", "unknown field 'tenant'"),
                row("a JSON string", "\"hello\"", "Invalid request"),
                row("null", "null", "Invalid request"),
                row(
                        "deep nesting",
                        "{\"prompt\":\"a\",\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
                        "Invalid request"));
    }

    /** The {@code Idempotency-Key} header of POST /query, including values meant to reach other Redis keys. */
    static Stream<BadRequest> idempotencyKeys() {
        String detail = "'Idempotency-Key' must be 1-255 printable ASCII characters";
        BadRequest ok = row("a valid body", "{\"prompt\":\"a\"}", "");
        // spaces around a value are not part of it (RFC 9110), so " a" is the key "a": no row for it
        return Stream.concat(
                Stream.of("", " ", "a\tb", "k".repeat(256), "ключ", "\u00e9t\u00e9", "\r\nX-Injected: y")
                        .map(key -> new BadRequest(
                                        ok.name(), ok.method(), ok.target(), ok.headers(), ok.body(), 400, detail)
                                .withHeader("Idempotency-Key", key)),
                // control characters never get past Tomcat
                Stream.of(new BadRequest(ok.name(), ok.method(), ok.target(), ok.headers(), ok.body(), 400, "malformed")
                        .withHeader("Idempotency-Key", "a\u0001b")));
    }

    /** GET /result: ids and the wait parameter. */
    static Stream<BadRequest> getResult() {
        return Stream.of(
                BadRequest.get("/result", 400, "'id'"),
                BadRequest.get("/result?id=abc", 400, "'abc'"),
                BadRequest.get("/result?id=-1", 400, "'-1'"),
                BadRequest.get("/result?id=0", 400, "'0'"),
                BadRequest.get("/result?id=99999999999999999999", 400, "'99999999999999999999'"),
                BadRequest.get("/result?id=1%0d%0aSET%20x", 400, "not a valid query id"),
                // found by HttpRequestFuzzIT: Tomcat's InvalidParameterException was a 500
                BadRequest.delete("/query?%id=1", 400, "two hex digits"),
                BadRequest.get("/result?id=%zz", 400, "two hex digits"),
                BadRequest.get("/result?id=12345678", 404, "no query with id 12345678"),
                BadRequest.get("/result?id=999999999999999999", 404, "no query with id 999999999999999999"),
                BadRequest.get("/result?id=1&wait=abc", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=-5s", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=5h", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=%2B5", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=5%20s", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=1e3", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=%D9%A1s", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=9999999999s", 400, "'wait'"),
                BadRequest.get("/result?id=1&wait=", 400, "'wait'"));
    }

    /** GET /result/stream: ids and the {@code Last-Event-ID} header. */
    static Stream<BadRequest> getResultStream() {
        String detail = "'Last-Event-ID' must be an event id this stream sent";
        return Stream.concat(
                Stream.of(
                        BadRequest.get("/result/stream", 400, "'id'"),
                        BadRequest.get("/result/stream?id=12345678", 404, "no query with id 12345678")),
                Stream.of(
                                "abc",
                                "-1",
                                "+1",
                                "١٢٣",
                                "0x10",
                                "1.5",
                                "1 2",
                                "9999999999",
                                "1;DEL x",
                                "*",
                                "query_result_1")
                        .map(value -> BadRequest.get("/result/stream?id=1", 400, detail)
                                .withHeader("Last-Event-ID", value)));
    }

    /** DELETE /query: ids. */
    static Stream<BadRequest> deleteQuery() {
        return Stream.of(
                BadRequest.delete("/query", 400, "'id'"),
                BadRequest.delete("/query?id=abc", 400, "'abc'"),
                BadRequest.delete("/query?id=12345678", 404, "no query with id 12345678"));
    }

    /** Every id-taking endpoint with every injection attempt: each is refused before it reaches Redis. */
    static Stream<BadRequest> injectedIds() {
        return INJECTED_IDS.stream()
                .flatMap(id -> Stream.of(
                        BadRequest.get("/result?id=" + id, 400, "not a valid query id"),
                        BadRequest.get("/result/stream?id=" + id, 400, "not a valid query id"),
                        BadRequest.delete("/query?id=" + id, 400, "not a valid query id")));
    }

    /** Paths and methods no endpoint serves. */
    static Stream<BadRequest> elsewhere() {
        return Stream.of(
                BadRequest.get("/nothing-here", 404, "/nothing-here"),
                new BadRequest("PUT /query", "PUT", "/query", Map.of(), "", 405, "PUT"),
                new BadRequest("PATCH /result", "PATCH", "/result?id=1", Map.of(), "", 405, "PATCH"),
                BadRequest.get("/query", 405, "GET"),
                // what browsers and EventSource send: the problem is still JSON
                BadRequest.get("/result?id=1", 406, "application/json").withHeader("Accept", "text/html"),
                BadRequest.get("/result/stream?id=abc", 400, "not a valid query id")
                        .withHeader("Accept", "text/event-stream"),
                BadRequest.get("/result/stream?id=12345678", 404, "no query with id 12345678")
                        .withHeader("Accept", "text/event-stream"));
    }

    private static BadRequest row(String name, String body, String detail) {
        return BadRequest.post("/query", name, body, 400, detail);
    }

    private static BadRequest row(String name, String contentType, String body, int status, String detail) {
        BadRequest row = BadRequest.post("/query", name, body, status, detail);
        return new BadRequest(
                row.name(), row.method(), row.target(), Map.of("Content-Type", contentType), body, status, detail);
    }

    @Test
    void refusedIdsNeverReachRedis() {
        // the batch sweeper reads its active batches (ZRANGE) once as the replica starts, then hourly here: wait for
        // that first read, which can otherwise land while this test counts
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.redis().commandCalls().containsKey("zrange"));
        Map<String, Long> before = server.redis().commandCalls();
        assertThat(before).as("INFO commandstats").isNotEmpty();

        Stream.of(injectedIds(), getResultStream(), deleteQuery(), getResult())
                .flatMap(rows -> rows)
                .filter(row -> row.status() == 400)
                .forEach(row -> assertThat(RawExchange.send(port, row.method(), row.target(), row.headers(), row.body())
                                .status())
                        .isEqualTo(400));

        Map<String, Long> after = server.redis().commandCalls();
        List<String> sent = after.keySet().stream()
                .filter(command -> !command.equals("ping") && !command.equals("info"))
                .filter(command -> !after.get(command).equals(before.getOrDefault(command, 0L)))
                .toList();
        assertThat(sent).as("Redis commands sent while refusing bad ids").isEmpty();
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(("{\"prompt\":\"" + TWO_MIB + "\"}").getBytes())))
                .build();

        HttpResponse<String> response = api.send(request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body()).contains("exceeds the limit");
    }
}
