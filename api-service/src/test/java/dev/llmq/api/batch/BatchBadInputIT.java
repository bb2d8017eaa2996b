package dev.llmq.api.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
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

/**
 * Every kind of bad input to the files and batches endpoints gets a 4xx problem JSON with OpenAI's {@code error}
 * member saying what is wrong; none gets a 5xx.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "llmq.api.admin-key=" + BatchClient.ADMIN_KEY,
            "llmq.api.tenant-requests-per-minute=0",
            "llmq.api.max-file-size=64KB",
            "llmq.api.max-file-lines=10"
        })
class BatchBadInputIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static final String GOOD_FILE = "file-AAAAAAAAAAAAAAAAAAAAAAAA";

    @LocalServerPort
    int port;

    private BatchClient api;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeEach
    void setUp() {
        api = new BatchClient(port, "alice");
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                row(
                        "upload without a file",
                        400,
                        "file",
                        c -> c.post(
                                "/v1/files",
                                "multipart/form-data; boundary=b",
                                "--b\r\nContent-Disposition: form-data; "
                                        + "name=\"purpose\"\r\n\r\nbatch\r\n--b--\r\n")),
                row(
                        "upload with another purpose",
                        400,
                        "'purpose' must be batch",
                        c -> c.upload("x.jsonl", BatchClient.lines(1).getBytes(StandardCharsets.UTF_8), "fine-tune")),
                row(
                        "upload that is not UTF-8",
                        400,
                        "not UTF-8",
                        c -> c.upload("x.jsonl", new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}, "batch")),
                row("upload over the size limit", 413, "", c -> c.upload("x.jsonl", new byte[70 * 1024], "batch")),
                row(
                        "upload over the line limit",
                        400,
                        "at most 10",
                        c -> c.upload("x.jsonl", BatchClient.lines(11).getBytes(StandardCharsets.UTF_8), "batch")),
                row("upload as JSON", 415, "", c -> c.post("/v1/files", "application/json", "{}")),
                row(
                        "malformed multipart",
                        400,
                        "",
                        c -> c.post("/v1/files", "multipart/form-data; boundary=b", "garbage")),
                row(
                        "batch with malformed JSON",
                        400,
                        "malformed JSON",
                        c -> c.post("/v1/batches", "application/json", "{\"input_file_id\":")),
                row(
                        "batch with an unknown field",
                        400,
                        "unknown field 'priority'",
                        c -> c.post(
                                "/v1/batches",
                                "application/json",
                                batchBody(GOOD_FILE, "\"24h\"", ",\"priority\":\"high\""))),
                row(
                        "batch with a numeric window",
                        400,
                        "completion_window",
                        c -> c.post("/v1/batches", "application/json", batchBody(GOOD_FILE, "24", ""))),
                row(
                        "batch with another window",
                        400,
                        "must be 24h",
                        c -> c.post("/v1/batches", "application/json", batchBody(GOOD_FILE, "\"48h\"", ""))),
                row(
                        "batch for another endpoint",
                        400,
                        "'endpoint'",
                        c -> c.post(
                                "/v1/batches",
                                "application/json",
                                "{\"input_file_id\":\"" + GOOD_FILE + "\",\"endpoint\":\"/v1/embeddings\","
                                        + "\"completion_window\":\"24h\"}")),
                row(
                        "batch without a file",
                        400,
                        "'input_file_id' is required",
                        c -> c.post(
                                "/v1/batches",
                                "application/json",
                                "{\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")),
                row(
                        "batch with an injected file id",
                        400,
                        "must be a file id",
                        c -> c.post(
                                "/v1/batches", "application/json", batchBody("file-*\\r\\nFLUSHALL", "\"24h\"", ""))),
                row(
                        "batch with a key pattern as file id",
                        400,
                        "must be a file id",
                        c -> c.post("/v1/batches", "application/json", batchBody("llmq:file:*", "\"24h\"", ""))),
                row(
                        "batch with an unknown file",
                        404,
                        "No such file",
                        c -> c.post("/v1/batches", "application/json", batchBody(GOOD_FILE, "\"24h\"", ""))),
                row(
                        "batch with metadata of the wrong type",
                        400,
                        "metadata",
                        c -> c.post(
                                "/v1/batches",
                                "application/json",
                                batchBody(GOOD_FILE, "\"24h\"", ",\"metadata\":[1]"))),
                row("batch as a form", 415, "", c -> c.post("/v1/batches", "application/x-www-form-urlencoded", "a=b")),
                row("retrieve a batch by a path trick", 404, "No such batch", c -> c.get("/v1/batches/batch_..;x")),
                row("retrieve a batch by a glob", 404, "No such batch", c -> c.get("/v1/batches/batch_*")),
                row(
                        "retrieve an unknown batch",
                        404,
                        "No such batch",
                        c -> c.get("/v1/batches/batch_AAAAAAAAAAAAAAAAAAAAAAAA")),
                row(
                        "cancel an unknown batch",
                        404,
                        "No such batch",
                        c -> c.post("/v1/batches/batch_AAAAAAAAAAAAAAAAAAAAAAAA/cancel", "application/json", "")),
                row("retrieve a file by a glob", 404, "No such file", c -> c.get("/v1/files/file-*")),
                row(
                        "file content with CRLF injection",
                        404,
                        "No such file",
                        c -> c.get("/v1/files/file-x%0D%0AFLUSHALL/content")),
                row("delete an unknown file", 404, "No such file", c -> c.delete("/v1/files/" + GOOD_FILE)),
                row("list with limit zero", 400, "'limit'", c -> c.get("/v1/batches?limit=0")),
                row("list with limit too large", 400, "'limit'", c -> c.get("/v1/batches?limit=101")),
                row("list with a non-numeric limit", 400, "", c -> c.get("/v1/batches?limit=abc")),
                row("list after a bad id", 400, "'after'", c -> c.get("/v1/batches?after=x%20y")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputGetsA4xxProblemWithAnOpenAiErrorMember(
            String name, int status, String detail, Function<BatchClient, HttpResponse<String>> call) {
        HttpResponse<String> response = call.apply(api);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        var body = BatchClient.json(response);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asString()).contains(detail);
        assertThat(body.get("error").get("message").asString()).isNotBlank();
        assertThat(body.get("error").get("type").asString()).isNotBlank();
    }

    private static Arguments row(
            String name, int status, String detail, Function<BatchClient, HttpResponse<String>> call) {
        return Arguments.of(name, status, detail, call);
    }

    private static String batchBody(String fileId, String window, String extra) {
        return "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":"
                + window + extra + "}";
    }
}
