package dev.llmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts the services' jars the way Spring Boot's docs recommend for a fast start: extracted (plain jars on the class
 * path) and with the JDK's AOT cache (JEP 514), trained once per build of the jars by a deployment of llmq under the
 * {@code overhead} scenario's closed loop for a minute ({@code -Dllmq.bench.training-load-seconds}), whose JVMs write
 * their caches as they exit. A cache then holds the classes a start loads (a lone api-service here started in 10.3 s
 * from its jar and in 4.1 s extracted with its cache) and the method profiles of the request paths (JEP 515), with
 * which the JIT compiles the hot code early instead of after collecting profiles anew: on this machine's two cores the
 * compilers of a deployment trained by a start alone still took a third of the services' CPU after 90 s of load,
 * which a measurement counted as CPU per query. The code the JIT compiles is the same; it is compiled sooner.
 *
 * <p>Caches live in {@code bench/target/startup-cache/<module>/}, stamped with the jar's size and time, the JDK and
 * the training; a training that fails leaves the jars to start as they are (slower, not wrong). The tests train theirs
 * with a start alone ({@code AotCache} in shared's tests).
 */
final class StartupCache {

    private static final boolean AVAILABLE = Runtime.version().feature() >= 25;
    private static final Map<String, Path> TRAINED = new ConcurrentHashMap<>();
    private static final Map<String, Path> TRAINING = new ConcurrentHashMap<>();

    /** How long the training deployment answers a closed loop like {@code overhead}'s before its JVMs exit. */
    private static final Duration TRAINING_LOAD =
            Duration.ofSeconds(Long.getLong("llmq.bench.training-load-seconds", 60));

    private static final List<String> TRAINING_JVM = List.of("-Xmx1g");

    private StartupCache() {}

    /**
     * Trains the caches of {@code modules} that are missing or stale, under load; prints what it did. The modules
     * must be those a deployment of llmq runs: api-service, worker-service and llm-simulator.
     */
    static void prepare(Workspace workspace, List<String> modules) throws InterruptedException {
        if (!AVAILABLE) {
            System.out.println("# services start from their jars (the AOT cache needs JDK 25 or later)");
            return;
        }
        long start = System.nanoTime();
        List<String> stale = new ArrayList<>();
        for (String module : modules) {
            if (fresh(workspace, module)) {
                TRAINED.put(module, dir(workspace, module));
            } else {
                stale.add(module);
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        List<String> extracted = new CopyOnWriteArrayList<>();
        List<Thread> extractions = stale.stream()
                .map(module -> Thread.ofPlatform().start(() -> {
                    if (extract(workspace, module)) {
                        extracted.add(module);
                    }
                }))
                .toList();
        for (Thread extraction : extractions) {
            extraction.join();
        }
        train(workspace, extracted);
        System.out.printf(
                "# trained the start-up caches of %s under load in %d s (once per build of their jars)%n",
                String.join(
                        ", ", extracted.stream().filter(TRAINED::containsKey).toList()),
                Duration.ofNanos(System.nanoTime() - start).toSeconds());
    }

    /** How to start {@code module} after the JVM options: from its extracted jar and cache when trained. */
    static List<String> jarArguments(Workspace workspace, String module) {
        Path training = TRAINING.get(module);
        if (training != null) {
            return List.of(
                    "-XX:AOTCacheOutput=" + training.resolve("app.aot"),
                    "-jar",
                    extracted(training, module).toString());
        }
        Path dir = TRAINED.get(module);
        if (dir == null) {
            return List.of("-jar", workspace.jar(module).toString());
        }
        return List.of(
                "-XX:AOTCache=" + dir.resolve("app.aot"),
                "-jar",
                extracted(dir, module).toString());
    }

    /** Extracts the jar of {@code module} into a fresh cache directory; false (and says why) when that failed. */
    private static boolean extract(Workspace workspace, String module) {
        Path dir = dir(workspace, module);
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            run(
                    "extract-" + module,
                    workspace,
                    List.of(
                            workspace.java(),
                            "-Djarmode=tools",
                            "-jar",
                            workspace.jar(module).toString(),
                            "extract",
                            "--destination",
                            dir.resolve("app").toString()));
            return true;
        } catch (IOException | RuntimeException | InterruptedException ex) {
            System.out.println("# " + module + " starts from its jar: it could not be extracted (" + ex
                    + "; see bench/target/logs)");
            return false;
        }
    }

    /**
     * Runs a deployment whose {@code modules} write their caches as they exit, under {@link #TRAINING_LOAD} first:
     * a cache then holds the method profiles of the request paths (JEP 515) besides the classes a start loads.
     */
    private static void train(Workspace workspace, List<String> modules) throws InterruptedException {
        if (modules.isEmpty()) {
            return;
        }
        modules.forEach(module -> TRAINING.put(module, dir(workspace, module)));
        try (Deployment training = new Deployment(workspace, "startup-cache")) {
            var simulator = training.launchSimulator(
                    "--llmq.simulator.time-to-first-token=0ms", "--llmq.simulator.per-token-delay=0ms");
            var api = training.launchApi(TRAINING_JVM, Map.of());
            var worker = training.launchWorker(TRAINING_JVM);
            simulator.await();
            worker.await();
            QueryClient client = new QueryClient(api.await().url());
            Duration wait = Duration.ofSeconds(30);
            ClosedLoop.run(OverheadScenario.CLIENTS, TRAINING_LOAD, i -> client.submitAndAwait("training " + i, wait));
            training.stopGracefully(Duration.ofMinutes(3));
        } catch (RuntimeException ex) {
            System.out.println("# the start-up caches could not be trained (" + ex + "; see bench/target/logs)");
        } finally {
            TRAINING.clear();
        }
        for (String module : modules) {
            Path dir = dir(workspace, module);
            try {
                if (!Files.isRegularFile(dir.resolve("app.aot"))) {
                    throw new IllegalStateException("the training wrote no cache");
                }
                Files.writeString(dir.resolve("stamp"), stamp(workspace, module));
                TRAINED.put(module, dir);
            } catch (IOException | RuntimeException ex) {
                System.out.println("# " + module + " starts from its jar: its start-up cache could not be trained ("
                        + ex + "; see bench/target/logs)");
            }
        }
    }

    private static void run(String name, Workspace workspace, List<String> command) throws InterruptedException {
        Launched process = Launched.start("startup-cache-" + name, workspace.logs(), Map.of(), command);
        int exit = process.awaitExit(Duration.ofMinutes(3));
        if (exit != 0) {
            throw new IllegalStateException(name + " exited with " + exit);
        }
    }

    private static boolean fresh(Workspace workspace, String module) {
        Path dir = dir(workspace, module);
        try {
            return Files.isRegularFile(dir.resolve("app.aot"))
                    && Files.isRegularFile(dir.resolve("stamp"))
                    && Files.readString(dir.resolve("stamp")).equals(stamp(workspace, module));
        } catch (IOException ex) {
            return false;
        }
    }

    private static String stamp(Workspace workspace, String module) throws IOException {
        Path jar = workspace.jar(module);
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        return String.join(
                "\n",
                jar.toString(),
                Long.toString(attributes.size()),
                attributes.lastModifiedTime().toString(),
                workspace.java(),
                Runtime.version().toString(),
                String.join(" ", TRAINING_JVM),
                "trained under load for " + TRAINING_LOAD);
    }

    private static Path dir(Workspace workspace, String module) {
        return workspace.target().resolve("startup-cache").resolve(module);
    }

    private static Path extracted(Path dir, String module) {
        return dir.resolve("app").resolve(module + ".jar");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }
}
