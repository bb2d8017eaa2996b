package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmq.shared.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Fuzzes the api-service through its real HTTP stack (Tomcat, filters, Spring MVC, Jackson, the controllers, a real
 * Redis): no request, however malformed, gets a 5xx. Requests get through here hundreds of times slower than through
 * the single parsers of the {@code *FuzzTests}, so this one is the fuzzer's view of the whole service. An input is a request in a plain text form: its first line is the
 * method and target ({@code POST /query?x=1}), then header lines up to a blank line, then the body. The test frames it
 * as HTTP/1.1 itself (Host, Content-Length, Connection: close) so that every input is answered rather than waited on,
 * and puts the keys in where a header says {@code {{key}}} (a tenant's API key) or {@code {{admin}}} (the admin key).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=api-service",
            "llmq.api.admin-key=" + HttpRequestFuzzIT.ADMIN_KEY,
            // no caps, so that the fuzzer's requests reach the validation instead of a 429
            "llmq.api.tenant-requests-per-minute=0",
            "llmq.api.tenant-max-in-flight=0",
            // nothing answers the queries: waits and streams end at once instead of holding each input
            "llmq.api.result-wait=0s",
            "llmq.api.result-wait-max=50ms",
            "llmq.api.stream-timeout=50ms",
            "logging.level.root=WARN"
        })
class HttpRequestFuzzIT {

    static final String ADMIN_KEY = "fuzz-admin-key-0123456789abcdef";

    /** Headers the test sets itself: a fuzzed length or encoding would leave the server waiting for bytes. */
    private static final Set<String> FRAMING =
            Set.of("host", "content-length", "transfer-encoding", "connection", "expect", "upgrade");

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static final Pattern PROBLEM_STATUS = Pattern.compile("\"status\":(\\d{3})");

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @LocalServerPort
    int port;

    private String tenantKey;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @FuzzTest(maxDuration = "15s")
    @DictionaryFile(resourcePath = "http-request.dict")
    void noRequestGetsA5xx(byte[] input) {
        byte[] request = frame(input);
        String response;
        try (SilentCloseable loopbackOnly = BugDetectors.allowNetworkConnections((host, port) -> port == this.port);
                RawConnection connection = new RawConnection(port)) {
            response = connection.send(request).readUntilClosed();
        }
        assertThat(statusOf(response))
                .as("status of %s\nanswered %s", printable(request), response)
                .isLessThan(500);
    }

    /**
     * The status the server answered with. A request line without a version (such as {@code " HTTP/1.1"}, whose
     * target is {@code HTTP/1.1}) is an HTTP/0.9 request, answered with the body alone: then the problem JSON's
     * status. A connection closed without an answer counts as 0.
     */
    private static int statusOf(String response) {
        Matcher statusLine = STATUS_LINE.matcher(response);
        if (statusLine.lookingAt()) {
            return Integer.parseInt(statusLine.group(1));
        }
        Matcher problem = PROBLEM_STATUS.matcher(response);
        return problem.find() ? Integer.parseInt(problem.group(1)) : 0;
    }

    /** The input as an HTTP/1.1 request: its method, target, headers and body, framed by the test. */
    private byte[] frame(byte[] input) {
        int headEnd = indexOf(input, "\n\n".getBytes(StandardCharsets.ISO_8859_1));
        String head = new String(
                Arrays.copyOfRange(input, 0, headEnd < 0 ? input.length : headEnd), StandardCharsets.ISO_8859_1);
        byte[] body = headEnd < 0 ? new byte[0] : Arrays.copyOfRange(input, headEnd + 2, input.length);
        String[] lines = head.split("\n", -1);
        StringBuilder framed = new StringBuilder(lines[0]).append(" HTTP/1.1\r\n");
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].split(":", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!lines[i].isEmpty() && !FRAMING.contains(name)) {
                framed.append(withKeys(lines[i])).append("\r\n");
            }
        }
        framed.append("Host: 127.0.0.1:").append(port).append("\r\n");
        framed.append("Content-Length: ").append(body.length).append("\r\n");
        framed.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(framed.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    private String withKeys(String header) {
        return header.replace("{{admin}}", ADMIN_KEY).replace("{{key}}", tenantKey());
    }

    /** A key of tenant {@code acme}, created once through the admin endpoint. */
    private String tenantKey() {
        if (tenantKey == null) {
            HttpRequest create = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/keys"))
                    .header("Authorization", "Bearer " + ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"acme\",\"name\":\"fuzz\"}"))
                    .build();
            try (HttpClient http = HttpClient.newHttpClient();
                    SilentCloseable loopbackOnly =
                            BugDetectors.allowNetworkConnections((host, port) -> port == this.port)) {
                String body =
                        http.send(create, HttpResponse.BodyHandlers.ofString()).body();
                Matcher key = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(body);
                assertThat(key.find()).as("a key in %s", body).isTrue();
                tenantKey = key.group(1);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
        return tenantKey;
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String printable(byte[] request) {
        String text = new String(request, StandardCharsets.ISO_8859_1);
        return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "...";
    }
}
