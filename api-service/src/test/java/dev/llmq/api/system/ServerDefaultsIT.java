package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Requests that Tomcat itself refuses (oversized headers, broken request lines) get a 4xx that reveals nothing about
 * the server: no version, no stack trace, no {@code Server} header.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=api-service")
class ServerDefaultsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    static Stream<Arguments> refusedByTomcat() {
        String oneHeader = "X-Many: " + "b".repeat(90) + "\r\n";
        return Stream.of(
                Arguments.of(
                        "a 20 KB header",
                        "GET /result?id=1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"),
                Arguments.of(
                        "300 headers of 100 bytes",
                        "GET /result?id=1 HTTP/1.1\r\nHost: x\r\n" + oneHeader.repeat(300) + "\r\n"),
                Arguments.of(
                        "a 20 KB request line",
                        "GET /result?id=" + "1".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a broken request line", "GET\r\nHost: x\r\n\r\n"),
                Arguments.of("raw angle brackets in the target", "GET /result?id=<script> HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of("a CR inside a header value", "GET /result?id=1 HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
                Arguments.of("a header without a colon", "GET /result?id=1 HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"),
                Arguments.of("no Host header", "GET /result?id=1 HTTP/1.1\r\n\r\n"),
                Arguments.of("a bad Content-Length", "POST /query HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} -> 4xx revealing nothing")
    @MethodSource("refusedByTomcat")
    void requestsTomcatRefusesGetA4xxProblemThatRevealsNothing(String name, String request) {
        String response;
        try (RawConnection connection = new RawConnection(port)) {
            response = connection.send(request).readUntilClosed();
        }

        assertThat(response).matches("(?s)HTTP/1\\.1 4\\d\\d .*").contains("application/problem+json");
        assertThat(response.toLowerCase())
                .doesNotContain("tomcat")
                .doesNotContain("exception")
                .doesNotContain("\tat ")
                .doesNotContain("\nserver:");
    }

    @Test
    void anUnknownHttpVersionGets505AsProblemJson() {
        String response;
        try (RawConnection connection = new RawConnection(port)) {
            response = connection
                    .send("GET /result?id=1 HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }

        assertThat(response)
                .startsWith("HTTP/1.1 505")
                .contains("application/problem+json")
                .contains("use HTTP/1.1");
        assertThat(response.toLowerCase()).doesNotContain("tomcat").doesNotContain("\nserver:");
    }

    @Test
    void aTraceRequestGets405AsProblemJson() {
        String response;
        try (RawConnection connection = new RawConnection(port)) {
            response = connection
                    .send("TRACE /query HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }

        assertThat(response)
                .startsWith("HTTP/1.1 405")
                .contains("application/problem+json")
                .contains("\"status\":405");
    }

    @Test
    void aBrowserAskingForHtmlStillGetsProblemJson() {
        String response;
        try (RawConnection connection = new RawConnection(port)) {
            response = connection
                    .send("TRACE /query HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }

        assertThat(response).startsWith("HTTP/1.1 405").contains("application/problem+json");
    }

    @Test
    void headersUpToTheSixteenKilobyteLimitAreAccepted() {
        String response;
        try (RawConnection connection = new RawConnection(port)) {
            response = connection
                    .send("GET /result?id=7 HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(12_000)
                            + "\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }

        assertThat(response).startsWith("HTTP/1.1 404");
    }

    @Test
    void anOrdinaryResponseHasNoServerHeader() {
        String response;
        try (RawConnection connection = new RawConnection(port)) {
            response = connection
                    .send("GET /result?id=7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .readUntilClosed();
        }

        assertThat(response).startsWith("HTTP/1.1 404");
        assertThat(response.toLowerCase()).doesNotContain("\nserver:").doesNotContain("x-powered-by");
    }
}
