package dev.llmq.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** What one scenario measured: its figures, and each goal beside the figure it is judged on. */
final class ScenarioResult {

    /** A goal of BENCHMARKS.md, e.g. "completed q/s ≥ 3000", and whether the figure met it. */
    record Goal(String figure, String comparison, double target, double actual) {

        boolean met() {
            return switch (comparison) {
                case ">=" -> actual >= target;
                case "<=" -> actual <= target;
                default -> throw new IllegalStateException(comparison);
            };
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s %s (goal %s %s %s)",
                    figure,
                    format(actual),
                    comparison,
                    format(target),
                    met() ? "met" : "MISSED");
        }
    }

    private final String scenario;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<Goal> goals = new ArrayList<>();

    ScenarioResult(String scenario) {
        this.scenario = scenario;
    }

    ScenarioResult figure(String name, Object value) {
        figures.put(name, value instanceof Double number ? Double.valueOf(round(number)) : value);
        return this;
    }

    ScenarioResult goal(String figure, String comparison, double target, double actual) {
        goals.add(new Goal(figure, comparison, target, actual));
        figures.put(figure, round(actual));
        return this;
    }

    String scenario() {
        return scenario;
    }

    boolean allGoalsMet() {
        return goals.stream().allMatch(Goal::met);
    }

    /** The one line a scenario prints. */
    String line() {
        String judged = goals.stream().map(Goal::toString).collect(Collectors.joining(", "));
        String others = figures.entrySet().stream()
                .filter(entry -> goals.stream().noneMatch(goal -> goal.figure().equals(entry.getKey())))
                .map(entry ->
                        entry.getKey() + "=" + (entry.getValue() instanceof Double d ? format(d) : entry.getValue()))
                .collect(Collectors.joining(" "));
        if (judged.isEmpty()) {
            return scenario + ": " + others;
        }
        return scenario + ": " + judged + (others.isEmpty() ? "" : " | " + others);
    }

    Map<String, Object> record() {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("scenario", scenario);
        record.put("figures", figures);
        record.put(
                "goals",
                goals.stream()
                        .map(goal -> Map.of(
                                "figure", goal.figure(),
                                "comparison", goal.comparison(),
                                "target", goal.target(),
                                "actual", round(goal.actual()),
                                "met", goal.met()))
                        .toList());
        return record;
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 100) / 100.0 : value;
    }

    static String format(double value) {
        if (!Double.isFinite(value)) {
            return String.valueOf(value);
        }
        return value == Math.rint(value) && Math.abs(value) < 1e12
                ? String.valueOf((long) value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
