package dev.llmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs benchmark scenarios: {@code bench/run [--quick] [scenario ...]} (all when none is named). Each prints one
 * result line; all records go to {@code bench/target/results/<time>.json}. {@code bench/run load --url ...} offers the
 * same open loop to a service that is already running ({@link LoadCommand}).
 */
public final class Bench {

    static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        for (Scenario scenario : List.<Scenario>of(
                new OverheadScenario(),
                new SlowLlmScenario(),
                new WaitersScenario(),
                new RateLimitedScenario(),
                new BaselineScenario())) {
            SCENARIOS.put(scenario.name(), scenario);
        }
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("design-card")) {
            DesignCardService.main(Integer.parseInt(args[1]), args[2], args[3], Integer.parseInt(args[4]));
            return;
        }
        if (args.length > 0 && args[0].equals("load")) {
            Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Map<String, Object> record = LoadCommand.main(LoadCommand.after(args));
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("started_at", started.toString());
            run.put("command", "load");
            run.put("java", Runtime.version().toString());
            run.put("cores", Runtime.getRuntime().availableProcessors());
            run.put("scenarios", List.of(record));
            write(Workspace.find(), started, run, true);
            return;
        }
        Scenario.Pace pace = Scenario.Pace.FULL;
        List<Scenario> chosen = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--quick")) {
                pace = Scenario.Pace.QUICK;
            } else if (SCENARIOS.containsKey(arg)) {
                chosen.add(SCENARIOS.get(arg));
            } else {
                System.err.println("unknown scenario '" + arg + "'; scenarios: " + String.join(", ", SCENARIOS.keySet())
                        + " (and --quick); or: " + LoadCommand.USAGE.substring("usage: ".length()));
                System.exit(2);
            }
        }
        if (chosen.isEmpty()) {
            chosen.addAll(SCENARIOS.values());
        }
        Workspace workspace = Workspace.find();
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        StartupCache.prepare(workspace, List.of("api-service", "worker-service", "llm-simulator"));
        List<Map<String, Object>> records = new ArrayList<>();
        boolean allMet = true;
        for (Scenario scenario : chosen) {
            System.out.println("# " + scenario.name() + ": " + scenario.description());
            long start = System.nanoTime();
            ScenarioResult result = scenario.run(workspace, pace);
            Map<String, Object> record = result.record();
            record.put("seconds", Math.round((System.nanoTime() - start) / 1e9));
            List<String> died = Deployment.takeDied();
            record.put("processes_died", died);
            records.add(record);
            allMet &= result.allGoalsMet();
            System.out.println(result.line());
            if (!died.isEmpty()) {
                System.out.println(scenario.name() + ": processes that ended before the scenario closed them: "
                        + String.join(", ", died) + " (see bench/target/logs)");
            }
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("started_at", started.toString());
        run.put("pace", pace.name().toLowerCase(java.util.Locale.ROOT));
        run.put("java", Runtime.version().toString());
        run.put("cores", Runtime.getRuntime().availableProcessors());
        run.put("scenarios", records);
        Beside.of(records).ifPresent(beside -> {
            run.put("beside", beside);
            System.out.println(Beside.line(beside));
        });
        write(workspace, started, run, allMet);
    }

    /** Writes a run's records to {@code bench/target/results/<started>.json}, says where, and ends the JVM. */
    private static void write(Workspace workspace, Instant started, Map<String, Object> run, boolean allMet)
            throws IOException {
        Files.createDirectories(workspace.results());
        var file = workspace.results().resolve(started.toString().replace(':', '-') + ".json");
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(file.toFile(), run);
        System.out.println("records: " + workspace.root().relativize(file) + (allMet ? "" : " (some goals missed)"));
        System.exit(0);
    }
}
