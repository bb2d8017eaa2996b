package dev.llmq.shared.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts a built Spring Boot jar the way its docs recommend for a fast start-up: extracted (plain jars on the class
 * path instead of jars nested in a jar) and with a JVM cache of the classes it loads while starting, trained once per
 * build of the jar by a start that exits as soon as the application context is refreshed
 * ({@code -Dspring.context.exit=onRefresh}). On JDK 25 and later that is the AOT cache ({@code -XX:AOTCache}, JEP
 * 514); on JDK 21 to 24 a CDS archive ({@code -XX:SharedArchiveFile}). The multi-process tests start ~60 services per
 * build, so this is most of their start-up time.
 *
 * <p>The extracted jar and the cache live in {@code <module>/target/aot/}, next to the jar they come from, stamped with
 * the jar's size and time, the JDK and the JVM options: a rebuilt jar or another JDK trains anew. Test JVMs that start
 * the same module at the same time take turns through a file lock. When the training fails, the jar starts as it is
 * (slower, not wrong) and the reason goes to standard error.
 */
final class AotCache {

    private static final boolean AOT_CACHE = Runtime.version().feature() >= 25;
    private static final Set<Path> FAILED = ConcurrentHashMap.newKeySet();
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private AotCache() {}

    /**
     * Trains the caches of {@code jars} that need it, side by side (a training is mostly one thread; doing them one by
     * one as each jar is first started kept two test JVMs waiting on each other for minutes).
     */
    static void prepare(String java, List<Path> jars, List<String> jvmOptions) {
        List<Thread> trainings = jars.stream()
                .map(jar -> Thread.ofPlatform()
                        .name("aot-cache-" + jar.getFileName())
                        .start(() -> command(java, jar, jvmOptions)))
                .toList();
        for (Thread training : trainings) {
            try {
                training.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The command that starts {@code jar} with {@code jvmOptions}, from its trained cache when there is one. */
    static List<String> command(String java, Path jar, List<String> jvmOptions) {
        // one thread of this JVM per jar at a time (the file lock below is per JVM, not per thread)
        synchronized (LOCKS.computeIfAbsent(jar.toAbsolutePath(), key -> new Object())) {
            return commandLocked(java, jar, jvmOptions);
        }
    }

    private static List<String> commandLocked(String java, Path jar, List<String> jvmOptions) {
        List<String> plain = new ArrayList<>(List.of(java));
        plain.addAll(jvmOptions);
        plain.addAll(List.of("-jar", jar.toString()));
        if (FAILED.contains(jar) || Boolean.getBoolean("llmq.test.no-aot-cache")) {
            return plain;
        }
        Path dir = jar.toAbsolutePath().resolveSibling("aot");
        Path extracted = dir.resolve("app").resolve(jar.getFileName());
        Path cache = dir.resolve(AOT_CACHE ? "app.aot" : "app.jsa");
        try {
            Files.createDirectories(dir);
            try (FileChannel channel =
                            FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                String stamp = stamp(java, jar, jvmOptions);
                Path stampFile = dir.resolve("stamp");
                boolean fresh = Files.isRegularFile(cache)
                        && Files.isRegularFile(stampFile)
                        && Files.readString(stampFile).equals(stamp);
                if (!fresh) {
                    Files.deleteIfExists(stampFile);
                    train(java, jar, jvmOptions, dir, extracted, cache);
                    Files.writeString(stampFile, stamp);
                }
            }
        } catch (IOException | RuntimeException ex) {
            FAILED.add(jar);
            System.err.println("[aot-cache] " + jar.getFileName() + " starts without a trained cache: " + ex);
            return plain;
        }
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.add(AOT_CACHE ? "-XX:AOTCache=" + cache : "-XX:SharedArchiveFile=" + cache);
        command.addAll(List.of("-jar", extracted.toString()));
        return command;
    }

    private static void train(String java, Path jar, List<String> jvmOptions, Path dir, Path extracted, Path cache)
            throws IOException {
        deleteTree(dir.resolve("app"));
        Files.deleteIfExists(cache);
        run(
                List.of(
                        java,
                        "-Djarmode=tools",
                        "-jar",
                        jar.toString(),
                        "extract",
                        "--destination",
                        dir.resolve("app").toString()),
                Map.of(),
                dir.resolve("extract.log"));
        // a Redis of its own: the services connect while their context refreshes
        try (TestRedis redis = TestRedis.start()) {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvmOptions);
            command.add(AOT_CACHE ? "-XX:AOTCacheOutput=" + cache : "-XX:ArchiveClassesAtExit=" + cache);
            command.addAll(List.of("-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "--server.port=0"));
            run(command, trainingEnvironment(jar, redis, dir), dir.resolve("training.log"));
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException(
                    "the training run wrote no " + cache + ": see " + dir.resolve("training.log"));
        }
    }

    /** What each service needs to refresh its context: a Redis, and for a worker an LLM it will not call. */
    private static Map<String, String> trainingEnvironment(Path jar, TestRedis redis, Path dir) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "REDIS_URL",
                redis.url(),
                "OPENAI_API_KEY",
                "",
                "OPENAI_BASE_URL",
                "",
                "LLMQ_STANDALONE_DATA_DIR",
                dir.resolve("training-data").toString()));
        if (jar.getFileName().toString().startsWith("worker-service")) {
            environment.putAll(Map.of("OPENAI_API_KEY", "sk-training", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1"));
        }
        return environment;
    }

    private static void run(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        ChildProcesses.register(process);
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command) + " (log " + log + ")");
            }
        } catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static String stamp(String java, Path jar, List<String> jvmOptions) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        return String.join(
                "\n",
                jar.toAbsolutePath().toString(),
                Long.toString(attributes.size()),
                attributes.lastModifiedTime().toString(),
                java,
                Runtime.version().toString(),
                String.join(" ", jvmOptions));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }
}
