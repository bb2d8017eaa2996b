package dev.llmq.simulator.control;

import static dev.llmq.simulator.SimulatorClients.chatBody;
import static dev.llmq.simulator.SimulatorClients.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.simulator.SimulatorClients;
import dev.llmq.simulator.ZeroLatencySimulatorTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Run-wide fault rules through {@code /simulator/faults}, as a test in another process sets them. */
@ZeroLatencySimulatorTest
class FaultRulesIT {

    private static final String FAULTS = "/simulator/faults";

    @LocalServerPort
    private int port;

    @AfterEach
    void clearRules() {
        assertThat(SimulatorClients.request(port, "DELETE", FAULTS).statusCode())
                .isEqualTo(204);
    }

    @Test
    void givesTheFaultToTheNextCountRequestsOnly() {
        HttpResponse<String> added = SimulatorClients.post(port, FAULTS, "{\"fault\":\"503\",\"count\":3}");

        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(json(added.body()).get("remaining").intValue()).isEqualTo(3);
        assertThat(statuses(5)).containsExactly(503, 503, 503, 200, 200);
        assertThat(json(SimulatorClients.request(port, "GET", FAULTS).body())).isEmpty();
    }

    @Test
    void keepsARuleWithoutCountUntilCleared() {
        SimulatorClients.post(port, FAULTS, "{\"fault\":\"502\"}");

        assertThat(statuses(3)).containsOnly(502);
        SimulatorClients.request(port, "DELETE", FAULTS);
        assertThat(statuses(1)).containsOnly(200);
    }

    @Test
    void holdsRepliesUntilTheRulesAreRemovedAndThenAnswersThemAll() throws Exception {
        SimulatorClients.post(port, FAULTS, "{\"fault\":\"hold\",\"count\":3}");
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(clients.submit(() -> statuses(1).getFirst()));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> json(SimulatorClients.request(port, "GET", FAULTS)
                                    .body())
                            .isEmpty());
            // the rule is used up, its three replies still held: the next request is answered at once
            assertThat(statuses(1)).containsExactly(200);
            Thread.sleep(300);
            assertThat(held).noneMatch(Future::isDone);

            long released = System.nanoTime();
            assertThat(SimulatorClients.request(port, "DELETE", FAULTS).statusCode())
                    .isEqualTo(204);

            for (Future<Integer> reply : held) {
                assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void endsAHoldAfterItsSecondsWhenNothingReleasesIt() {
        SimulatorClients.post(port, FAULTS, "{\"fault\":\"hold;seconds=0.5\",\"count\":1}");
        long start = System.nanoTime();

        assertThat(statuses(1)).containsExactly(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void drawsAProbabilityRuleFromItsSeedReproducibly() {
        String rule = "{\"fault\":\"429;retry-after=1\",\"probability\":0.5,\"seed\":7}";
        SimulatorClients.post(port, FAULTS, rule);
        List<Integer> first = statuses(20);
        SimulatorClients.request(port, "DELETE", FAULTS);
        SimulatorClients.post(port, FAULTS, rule);

        assertThat(statuses(20)).isEqualTo(first);
        assertThat(first).contains(200, 429).containsOnly(200, 429);
    }

    @Test
    void listsTheActiveRulesInOrderWithTheirCounters() {
        SimulatorClients.post(port, FAULTS, "{\"fault\":\"malformed-json\",\"count\":2}");
        SimulatorClients.post(port, FAULTS, "{\"fault\":\"500\",\"probability\":0.25}");
        statuses(1);

        JsonNode rules = json(SimulatorClients.request(port, "GET", FAULTS).body());

        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).get("fault").stringValue()).isEqualTo("malformed-json");
        assertThat(rules.get(0).get("remaining").intValue()).isEqualTo(1);
        assertThat(rules.get(0).get("applied").longValue()).isEqualTo(1);
        assertThat(rules.get(1).get("probability").doubleValue()).isEqualTo(0.25);
        assertThat(rules.get(1).get("remaining").isNull()).isTrue();
        assertThat(rules.get(1).get("id").longValue())
                .isGreaterThan(rules.get(0).get("id").longValue());
    }

    @Test
    void rejectsAnInvalidRuleWithABadRequest() {
        HttpResponse<String> badFault = SimulatorClients.post(port, FAULTS, "{\"fault\":\"teapot\"}");
        HttpResponse<String> badCount = SimulatorClients.post(port, FAULTS, "{\"fault\":\"503\",\"count\":0}");
        HttpResponse<String> typo = SimulatorClients.post(port, FAULTS, "{\"fault\":\"503\",\"cout\":2}");

        assertThat(List.of(badFault, badCount, typo))
                .allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(400));
        assertThat(json(badFault.body()).at("/error/message").stringValue()).contains("unknown fault 'teapot'");
        assertThat(json(badCount.body()).at("/error/message").stringValue()).contains("count must be at least 1");
        assertThat(json(SimulatorClients.request(port, "GET", FAULTS).body())).isEmpty();
    }

    private List<Integer> statuses(int requests) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> response =
                    SimulatorClients.post(port, "/v1/chat/completions", chatBody("gpt-4o", "hi", false));
            statuses.add(response.statusCode());
        }
        return statuses;
    }
}
