package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.simulator.SimulatedAnswers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every fault a provider can throw, injected by the simulator (a separate process) through a marker in the prompt,
 * ends as a clear failure with the right code after the configured attempts: never a hang, never error text as an
 * answer. A transient fault is retried and answered.
 */
class LlmFaultsIT {

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private static Cluster cluster;
    private static Cluster.Api api;

    @BeforeAll
    static void start() {
        cluster = new Cluster(server.redis());
        cluster.startSimulator(Duration.ZERO);
        api = cluster.startApi();
        cluster.startWorker(
                "--llmq.worker.max-attempts=3",
                "--llmq.worker.retry-initial-delay=200ms",
                "--llmq.worker.retry-max-delay=400ms",
                "--llmq.llm.first-token-timeout=1s",
                "--llmq.llm.read-timeout=1s");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @BeforeEach
    void cleanSimulator() {
        cluster.controlSimulator("DELETE", "/simulator/faults", null);
        cluster.controlSimulator("DELETE", "/simulator/requests", null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "500, llm_server_error",
        "503, llm_server_error",
        "reset, llm_unreachable",
        "cut-stream;after-tokens=2, llm_stream_cut",
        "malformed-json, llm_invalid_response",
        "stall-before-first-byte;seconds=3, llm_timeout",
        "stall-mid-stream;after-tokens=2;seconds=3, llm_timeout",
        "429;retry-after=1, llm_rate_limited"
    })
    void aPersistentFaultEndsAsAFailureWithItsCodeAfterEveryAttempt(String fault, String code) {
        String prompt = "fault case [[fault:" + fault + "]]";
        long id = cluster.submit(api, prompt);

        HttpResponse<String> result = cluster.result(api, id, "60s");

        assertThat(result.statusCode()).as(result.body()).isEqualTo(200);
        assertThat(result.body())
                .contains("\"status\":\"failed\"", "\"code\":\"" + code + "\"", "\"attempts\":3")
                .doesNotContain("\"text\"");
        assertThat(SimulatorLog.read(cluster).withPrompt(prompt)).hasSize(3);
    }

    @Test
    void aSlowStreamIsStillAnswered() {
        String prompt = "slow but fine [[fault:slow-stream;per-token=20ms]]";
        long id = cluster.submit(api, prompt);

        HttpResponse<String> result = cluster.result(api, id, "60s");

        assertThat(result.body()).contains("\"status\":\"succeeded\"", SimulatedAnswers.answerFor(prompt));
    }

    @Test
    void aTransientFaultIsRetriedAndThenAnswered() {
        cluster.controlSimulator("POST", "/simulator/faults", "{\"fault\":\"503\",\"count\":1}");
        long id = cluster.submit(api, "transient trouble");

        HttpResponse<String> result = cluster.result(api, id, "60s");

        assertThat(result.body())
                .contains(
                        "\"status\":\"succeeded\"", "\"attempts\":2", SimulatedAnswers.answerFor("transient trouble"));
        assertThat(SimulatorLog.read(cluster).withPrompt("transient trouble"))
                .extracting(SimulatorLog.Call::status)
                .containsExactly(503, 200);
    }
}
