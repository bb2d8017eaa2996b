package dev.llmq.worker.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerWiringTests {

    @Test
    void aProviderUrlIsLoggedWithoutTheKeyItMayCarry() {
        assertThat(WorkerWiring.withoutSecrets("https://user:sk-secret@llm.example.com:8443/v1?api-key=sk-other"))
                .isEqualTo("https://llm.example.com:8443/v1 (credentials not logged)")
                .doesNotContain("secret")
                .doesNotContain("other");
    }

    @Test
    void aPlainProviderUrlIsLoggedAsItIs() {
        assertThat(WorkerWiring.withoutSecrets("http://127.0.0.1:8089/v1")).isEqualTo("http://127.0.0.1:8089/v1");
        assertThat(WorkerWiring.withoutSecrets("not a url")).isEqualTo("(a URL that does not parse)");
    }
}
