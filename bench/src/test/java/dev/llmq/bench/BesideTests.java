package dev.llmq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BesideTests {

    @Test
    void putsLlmqBesideTheDesignCardAndWhatRedisAloneWouldAllow() {
        List<Map<String, Object>> records = List.of(
                new ScenarioResult("overhead")
                        .goal("completed_qps", ">=", 3000, 127.43)
                        .goal("redis_cmds_per_query", "<=", 8, 19.5)
                        .record(),
                new ScenarioResult("slow-llm")
                        .goal("completed_ratio", ">=", 0.99, 0.5)
                        .figure("worker_alone_completed_ratio", 0.75)
                        .record(),
                new ScenarioResult("baseline")
                        .figure("redis_benchmark_slowest_ops", 46_446.82)
                        .figure("design_card_capacity_qps", 291.55)
                        .figure("design_card_slow_completed_ratio", 0.0)
                        .record());

        Map<String, Object> beside = Beside.of(records).orElseThrow();

        assertThat(beside)
                .containsEntry("llmq_qps", 127.43)
                .containsEntry("design_card_qps", 291.55)
                .containsEntry("redis_limit_qps", 2382L)
                .containsEntry("llmq_slow_worker_alone_completed_ratio", 0.75)
                .containsEntry("llmq_slow_completed_ratio", 0.5)
                .containsEntry("design_card_slow_completed_ratio", 0.0);
        assertThat(Beside.line(beside))
                .startsWith("beside: llmq_qps=127.43 design_card_qps=291.55 redis_limit_qps=2382");
    }

    @Test
    void saysNothingUnlessBothOverheadAndTheBaselineRan() {
        assertThat(Beside.of(List.of(new ScenarioResult("overhead").record()))).isEmpty();
    }
}
