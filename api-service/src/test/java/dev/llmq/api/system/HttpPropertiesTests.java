package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpPropertiesTests {

    @Test
    void originsAreTrimmedAndBlankEntriesDropped() {
        var properties = new HttpProperties(
                Duration.ofSeconds(30), List.of(" https://app.example.com ", "", "http://localhost:3000", "*"));

        assertThat(properties.corsAllowedOrigins())
                .containsExactly("https://app.example.com", "http://localhost:3000", "*");
    }

    @Test
    void anOriginWithAPathOrAnotherSchemeIsRefusedNamingTheVariable() {
        for (String origin :
                List.of("https://app.example.com/", "https://app.example.com/x", "ftp://x.org", "app.org")) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new HttpProperties(Duration.ofSeconds(30), List.of(origin)))
                    .withMessageContaining("LLMQ_API_CORS_ALLOWED_ORIGINS")
                    .withMessageContaining(origin);
        }
    }

    @Test
    void aBodyReadTimeoutBelow100msIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HttpProperties(Duration.ofMillis(10), List.of()))
                .withMessageContaining("LLMQ_API_BODY_READ_TIMEOUT");
    }
}
