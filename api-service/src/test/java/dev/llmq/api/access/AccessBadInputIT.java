package dev.llmq.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Bad credentials and bad admin requests get a 4xx problem that says what is wrong, never a 5xx; keys never appear in
 * the log, even at DEBUG.
 */
@ExtendWith(OutputCaptureExtension.class)
class AccessBadInputIT {

    private static final String ADMIN_KEY = "bad-input-admin-key-0123456789";
    private static final String TWO_MIB = "x".repeat(2 * 1024 * 1024);

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Replica replica;
    private static AccessClient api;

    @BeforeAll
    static void start() {
        replica = Replica.start(
                server.redis().url(),
                "llmq.api.admin-key=" + ADMIN_KEY,
                "logging.level.dev.llmq=TRACE",
                "logging.level.org.springframework.web=DEBUG");
        api = replica.client();
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        // log levels are JVM-wide: leave the next test classes in this JVM at their own
        LoggingSystem logging = LoggingSystem.get(AccessBadInputIT.class.getClassLoader());
        logging.setLogLevel("dev.llmq", null);
        logging.setLogLevel("org.springframework.web", null);
    }

    static Stream<Arguments> badAuthorizationHeaders() {
        return Stream.of(
                Arguments.of("path traversal", "Bearer ../../x", 401, "not valid"),
                Arguments.of(
                        "key-shaped traversal",
                        "Bearer llmq_../../../../../../../../../../../../../x",
                        401,
                        "not valid"),
                Arguments.of("unknown key", "Bearer llmq_" + "B".repeat(43), 401, "not valid"),
                Arguments.of("basic auth", "Basic dXNlcjpwYXNz", 401, "Bearer <key>"),
                Arguments.of("scheme only", "Bearer", 401, "Bearer <key>"),
                Arguments.of("two tokens", "Bearer a b", 401, "Bearer <key>"),
                Arguments.of("redis command", "Bearer *1\\r\\n$8\\r\\nFLUSHALL", 401, "not valid"),
                Arguments.of("lua and glob", "Bearer *';redis.call('FLUSHALL')--", 401, "not valid"),
                Arguments.of("huge token", "Bearer " + "y".repeat(10_000), 401, "too long"),
                Arguments.of("admin key on the API", "Bearer " + ADMIN_KEY, 401, "not valid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAuthorizationHeaders")
    void badAuthorizationHeadersAre401ProblemsWithAChallenge(String name, String header, int status, String detail) {
        HttpResponse<String> response = api.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/result?id=1&wait=0s"))
                        .header("Authorization", header)
                        .GET()
                        .build());

        assertProblem(response, status, detail);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        String offered = header.substring(Math.min(header.length(), 7));
        if (offered.length() > 3) {
            assertThat(response.body()).doesNotContain(offered);
        }
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        String key = api.createKey(ADMIN_KEY, "twice");
        String answer = api.raw(
                "GET /result?id=1 HTTP/1.1\r\nAuthorization: Bearer " + key + "\r\nAuthorization: Bearer " + key, "");

        assertThat(answer).startsWith("HTTP/1.1 401").contains("application/problem+json", "one Authorization header");
    }

    @Test
    void aCrlfInjectedHeaderLineIsJustAnotherHeaderAndTheKeyStillFails() {
        String answer = api.raw("GET /result?id=1 HTTP/1.1\r\nAuthorization: Bearer x\r\nX-Injected: 1", "");

        assertThat(answer).startsWith("HTTP/1.1 401").contains("application/problem+json");
    }

    @Test
    void controlCharactersAndOversizedHeadersAreRefusedBeforeReachingLlmq() {
        for (String header : new String[] {"Bearer a\rb", "Bearer a\u0000b", "Bearer " + "z".repeat(20_000)}) {
            String answer = api.raw("GET /result?id=1 HTTP/1.1\r\nAuthorization: " + header, "");
            assertThat(answer).matches("(?s)HTTP/1.1 4\\d\\d .*");
        }
    }

    static Stream<Arguments> badAdminRequests() {
        return Stream.of(
                Arguments.of("POST", "/admin/keys", "", 400, "JSON body is required"),
                Arguments.of("POST", "/admin/keys", "{}", 400, "'tenant' is required"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"t\"}", 400, "'name' is required"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"../../x\",\"name\":\"n\"}", 400, "'tenant'"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"a\\r\\nb\",\"name\":\"n\"}", 400, "'tenant'"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"t*\",\"name\":\"n\"}", 400, "'tenant'"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"{llmq}\",\"name\":\"n\"}", 400, "'tenant'"),
                Arguments.of(
                        "POST",
                        "/admin/keys",
                        "{\"tenant\":\"" + "t".repeat(65) + "\",\"name\":\"n\"}",
                        400,
                        "'tenant'"),
                Arguments.of(
                        "POST", "/admin/keys", "{\"tenant\":7,\"name\":\"n\"}", 400, "'tenant' has the wrong type"),
                Arguments.of(
                        "POST", "/admin/keys", "{\"tenant\":\"t\",\"name\":[\"n\"]}", 400, "'name' has the wrong type"),
                Arguments.of(
                        "POST",
                        "/admin/keys",
                        "{\"tenant\":\"t\",\"name\":\"n\",\"key\":\"mine\"}",
                        400,
                        "unknown field 'key'"),
                Arguments.of(
                        "POST", "/admin/keys", "{\"tenant\":\"t\",\"name\":\"a\\u0000b\"}", 400, "control characters"),
                Arguments.of(
                        "POST", "/admin/keys", "{\"tenant\":\"t\",\"name\":\"" + "n".repeat(101) + "\"}", 400, "1-100"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"local\",\"name\":\"n\"}", 400, "reserved"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":", 400, "malformed JSON"),
                Arguments.of("POST", "/admin/keys", "[1]", 400, "Invalid request"),
                Arguments.of("POST", "/admin/keys", "{\"tenant\":\"" + TWO_MIB + "\"}", 413, "exceeds the limit"),
                Arguments.of("GET", "/admin/keys?tenant=../../x", "", 400, "'tenant'"),
                Arguments.of("GET", "/admin/keys?tenant=", "", 400, "'tenant'"),
                Arguments.of("GET", "/admin/keys?tenant=%0d%0aX:1", "", 400, "'tenant'"),
                Arguments.of("DELETE", "/admin/keys/key_zzz", "", 400, "key id"),
                Arguments.of("DELETE", "/admin/keys/..%2E", "", 400, null),
                Arguments.of("DELETE", "/admin/keys/%0d%0a", "", 400, "key id"),
                Arguments.of("DELETE", "/admin/keys/" + "k".repeat(5000), "", 400, "key id"),
                Arguments.of("DELETE", "/admin/keys/key_0123456789abcdef01234567", "", 404, "no API key"),
                Arguments.of("PUT", "/admin/tenants/t", "{}", 400, "both required"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":-1,\"max_in_flight\":0}",
                        400,
                        "requests_per_minute"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":100001,\"max_in_flight\":0}",
                        400,
                        "requests_per_minute"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":1,\"max_in_flight\":-5}",
                        400,
                        "max_in_flight"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":\"ten\",\"max_in_flight\":0}",
                        400,
                        "wrong type"),
                Arguments.of(
                        "PUT", "/admin/tenants/t", "{\"requests_per_minute\":1e12,\"max_in_flight\":0}", 400, null),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":99999999999,\"max_in_flight\":0}",
                        400,
                        null),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":1,\"max_in_flight\":1,\"x\":1}",
                        400,
                        "unknown field 'x'"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/t",
                        "{\"requests_per_minute\":null,\"max_in_flight\":1}",
                        400,
                        "both required"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/bad*name",
                        "{\"requests_per_minute\":1,\"max_in_flight\":1}",
                        400,
                        "'tenant'"),
                Arguments.of(
                        "PUT",
                        "/admin/tenants/" + "t".repeat(65),
                        "{\"requests_per_minute\":1,\"max_in_flight\":1}",
                        400,
                        "'tenant'"),
                Arguments.of("GET", "/admin/tenants/a%20b", "", 400, "'tenant'"),
                Arguments.of("GET", "/admin/tenants/%7Bllmq%7D", "", 400, "'tenant'"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badAdminRequests")
    void badAdminRequestsAre4xxProblemsNever5xx(
            String method, String path, String body, int status, @org.jspecify.annotations.Nullable String detail) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json");
        HttpResponse<String> response = api.send(request.method(
                        method,
                        body.isEmpty() && !method.equals("POST")
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body))
                .build());

        if (detail == null) {
            assertThat(response.statusCode()).isBetween(400, 499);
        } else {
            assertProblem(response, status, detail);
        }
    }

    @Test
    void keysAndTheirDigestsNeverReachTheLogEvenAtDebug(CapturedOutput output) {
        String key = api.createKey(ADMIN_KEY, "quiet");
        api.postQuery(key, "hi");
        api.get("/result?id=1&wait=0s", key);
        api.get("/result?id=1&wait=0s", key + "x");
        api.get("/admin/keys", key);

        assertThat(output.getAll())
                .contains("Created API key key_")
                .doesNotContain(key, KeySecrets.digest(key), ADMIN_KEY);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status, detail);
    }
}
