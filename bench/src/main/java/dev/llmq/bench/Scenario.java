package dev.llmq.bench;

/** One benchmark scenario of BENCHMARKS.md; runs on its own processes and closes them. */
interface Scenario {

    String name();

    /** What the scenario shows, one line. */
    String description();

    ScenarioResult run(Workspace workspace, Pace pace) throws Exception;

    /** How long scenarios run: {@code full} for BENCHMARKS.md, {@code quick} to check that they work. */
    enum Pace {
        FULL(1.0),
        QUICK(0.25);

        private final double factor;

        Pace(double factor) {
            this.factor = factor;
        }

        java.time.Duration scale(java.time.Duration full) {
            return java.time.Duration.ofMillis(Math.max(2_000, (long) (full.toMillis() * factor)));
        }
    }
}
