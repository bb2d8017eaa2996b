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

/**
 * Starts the services' jars the way Spring Boot's docs recommend for a fast start: extracted (plain jars on the class
 * path) and with the JDK's AOT cache (JEP 514) of the classes a start loads, trained once per build of each jar by a
 * start that exits once its context is refreshed. A lone api-service here started in 10.3 s from its jar and in 4.1 s
 * extracted with its cache; a full run starts about twenty service JVMs, three at a time on two cores. The cache only
 * changes how classes are loaded and linked at start; the code the JIT compiles for the measured phases is the same.
 *
 * <p>Caches live in {@code bench/target/startup-cache/<module>/}, stamped with the jar's size and time and the JDK; a
 * training that fails leaves the jar to start as it is (slower, not wrong). The tests do the same with their own JVM
 * options ({@code AotCache} in shared's tests).
 */
final class StartupCache {

    private static final boolean AVAILABLE = Runtime.version().feature() >= 25;
    private static final Map<String, Path> TRAINED = new ConcurrentHashMap<>();
    private static final List<String> TRAINING_JVM = List.of("-Xmx1g");

    private StartupCache() {}

    /** Trains the caches of {@code modules} that are missing or stale, side by side; prints what it did. */
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
        try (RedisProcess redis = RedisProcess.start(workspace, "startup-cache-redis")) {
            List<Thread> trainings = stale.stream()
                    .map(module -> Thread.ofPlatform().start(() -> train(workspace, module, redis.url())))
                    .toList();
            for (Thread training : trainings) {
                training.join();
            }
        }
        System.out.printf(
                "# trained the start-up caches of %s in %d s (once per build of their jars)%n",
                String.join(", ", stale),
                Duration.ofNanos(System.nanoTime() - start).toSeconds());
    }

    /** How to start {@code module} after the JVM options: from its extracted jar and cache when trained. */
    static List<String> jarArguments(Workspace workspace, String module) {
        Path dir = TRAINED.get(module);
        if (dir == null) {
            return List.of("-jar", workspace.jar(module).toString());
        }
        return List.of(
                "-XX:AOTCache=" + dir.resolve("app.aot"),
                "-jar",
                extracted(dir, module).toString());
    }

    private static void train(Workspace workspace, String module, String redisUrl) {
        Path dir = dir(workspace, module);
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
            run(
                    "extract-" + module,
                    workspace,
                    Map.of(),
                    List.of(
                            workspace.java(),
                            "-Djarmode=tools",
                            "-jar",
                            workspace.jar(module).toString(),
                            "extract",
                            "--destination",
                            dir.resolve("app").toString()));
            List<String> command = new ArrayList<>(List.of(workspace.java()));
            command.addAll(TRAINING_JVM);
            command.addAll(List.of(
                    "-XX:AOTCacheOutput=" + dir.resolve("app.aot"),
                    "-Dspring.context.exit=onRefresh",
                    "-jar",
                    extracted(dir, module).toString(),
                    "--server.port=0"));
            // what each service needs to refresh its context: a Redis, and for a worker an LLM it will not call
            run(
                    "train-" + module,
                    workspace,
                    Map.of(
                            "REDIS_URL",
                            redisUrl,
                            "OPENAI_API_KEY",
                            "sk-training",
                            "OPENAI_BASE_URL",
                            "http://127.0.0.1:9/v1"),
                    command);
            if (!Files.isRegularFile(dir.resolve("app.aot"))) {
                throw new IllegalStateException("the training wrote no cache");
            }
            Files.writeString(dir.resolve("stamp"), stamp(workspace, module));
            TRAINED.put(module, dir);
        } catch (IOException | RuntimeException | InterruptedException ex) {
            System.out.println("# " + module + " starts from its jar: its start-up cache could not be trained (" + ex
                    + "; see bench/target/logs)");
        }
    }

    private static void run(String name, Workspace workspace, Map<String, String> environment, List<String> command)
            throws InterruptedException {
        Launched process = Launched.start("startup-cache-" + name, workspace.logs(), environment, command);
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
                String.join(" ", TRAINING_JVM));
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
