package dev.llmq.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * llmq's figures beside the baselines of the same run, once both ran: completed queries per second under the same
 * closed loop for llmq and the design card, and the rate Redis alone would allow (the slowest command's
 * {@code redis-benchmark} rate divided by llmq's commands per query); the share of the slow-llm load each completes.
 */
final class Beside {

    private Beside() {}

    /** The comparison of a run's records, if it ran {@code overhead} and {@code baseline}. */
    static Optional<Map<String, Object>> of(List<Map<String, Object>> records) {
        Map<String, Object> overhead = figures(records, "overhead");
        Map<String, Object> baseline = figures(records, "baseline");
        if (overhead.isEmpty() || baseline.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> beside = new LinkedHashMap<>();
        beside.put("llmq_qps", overhead.get("completed_qps"));
        beside.put("design_card_qps", baseline.get("design_card_capacity_qps"));
        if (baseline.get("redis_benchmark_slowest_ops") instanceof Number slowest
                && overhead.get("redis_cmds_per_query") instanceof Number commands
                && commands.doubleValue() > 0) {
            beside.put("redis_limit_qps", Math.round(slowest.doubleValue() / commands.doubleValue()));
        }
        Map<String, Object> slow = figures(records, "slow-llm");
        if (!slow.isEmpty()) {
            beside.put("llmq_slow_worker_alone_completed_ratio", slow.get("worker_alone_completed_ratio"));
            beside.put("llmq_slow_completed_ratio", slow.get("completed_ratio"));
            beside.put("design_card_slow_completed_ratio", baseline.get("design_card_slow_completed_ratio"));
        }
        return Optional.of(beside);
    }

    /** The one line printed after the scenarios. */
    static String line(Map<String, Object> beside) {
        StringBuilder line = new StringBuilder("beside:");
        beside.forEach((name, value) -> line.append(' ')
                .append(name)
                .append('=')
                .append(value instanceof Double number ? ScenarioResult.format(number) : value));
        return line.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> figures(List<Map<String, Object>> records, String scenario) {
        return records.stream()
                .filter(record -> scenario.equals(record.get("scenario")))
                .map(record -> (Map<String, Object>) record.getOrDefault("figures", Map.of()))
                .findFirst()
                .orElse(Map.of());
    }
}
