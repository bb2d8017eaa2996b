package dev.llmq.shared.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * One of llmq's built jars ({@code <module>/target/<module>.jar}) running as its own process, for tests that kill,
 * restart or multiply services. Output goes to a log file under {@code target/process-logs} ({@code <module>-<test JVM pid>-<n>.log}); the process is killed
 * when the test JVM exits if the test did not stop it.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");

    private final String name;
    private final Path log;
    private final Process process;

    private ServiceProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code module}'s jar with the given environment added to this JVM's. */
    public static ServiceProcess start(String module, Map<String, String> environment, String... args) {
        Path jar = jarOf(module);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw verify builds every jar)");
        }
        // the test JVM's pid too: test JVMs running side by side share target/process-logs
        String name = module + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Path logs = Path.of("target", "process-logs");
        try {
            Files.createDirectories(logs);
            List<String> command = new ArrayList<>(AotCache.command(javaExecutable(), jar, JVM_OPTIONS));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            Path log = logs.resolve(name + ".log");
            builder.redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            ChildProcesses.register(process);
            return new ServiceProcess(name, log, process);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start " + jar, ex);
        }
    }

    /** A service started by {@link #startListening}: its process and the port it listens on. */
    public record Listening(ServiceProcess process, int port) {}

    /**
     * Starts a service with {@code start} on a port from {@code ports} and waits until it has logged {@code started}.
     * When another process took that port between {@link FreePorts}' check and the service's own bind (Spring Boot's
     * "Port N was already in use"), writes who holds it to the test's output and starts the service again on the next
     * port {@code ports} gives (after a second: a restart on a fixed port may find it free by then), three times at
     * most.
     */
    public static Listening startListening(
            IntSupplier ports, IntFunction<ServiceProcess> start, String started, Duration timeout) {
        for (int attempt = 1; ; attempt++) {
            int port = ports.getAsInt();
            ServiceProcess process = start.apply(port);
            try {
                return new Listening(process.awaitLog(started, timeout), port);
            } catch (RuntimeException ex) {
                if (attempt == 3 || process.isAlive() || !process.output().contains("was already in use")) {
                    throw ex;
                }
                System.err.println(process + " could not listen on port " + port + ", held by: " + holderOf(port)
                        + "; starting it again");
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /** What {@code ss} says listens on or holds {@code port}, for a test's output. */
    private static String holderOf(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-tanp", "( sport = :" + port + " )")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
            return output.isBlank() ? "nothing now" : "\n" + output.strip();
        } catch (IOException ex) {
            return "unknown (" + ex.getMessage() + ")";
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Makes the start-up caches of these modules' jars ready, side by side (see {@code AotCache}): for a test suite that
     * will start them all, before its first start. Jars not built are skipped.
     */
    public static void prepare(String... modules) {
        List<Path> jars = java.util.Arrays.stream(modules)
                .map(ServiceProcess::jarOf)
                .filter(Files::isRegularFile)
                .toList();
        AotCache.prepare(javaExecutable(), jars, JVM_OPTIONS);
    }

    private static Path jarOf(String module) {
        return repositoryRoot().resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** Waits until the process has logged {@code text}; fails early if it exits. */
    public ServiceProcess awaitLog(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + output());
            }
            return output().contains(text);
        });
        return this;
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the process dies at once, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
    }

    /** SIGSTOP: the process freezes where it is (a zombie: alive, holding its connections, doing nothing). */
    public void suspend() {
        signal("STOP");
    }

    /** SIGCONT: a suspended process goes on where it stopped. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            // the shell's own kill: no procps needed
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid())
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + this + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot run kill", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** SIGTERM, then waits for a graceful exit; returns the exit code. */
    public int terminate(Duration grace) {
        process.destroy();
        if (!waitForExit(grace)) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
            throw new IllegalStateException(name + " did not stop within " + grace + ":\n" + output());
        }
        return process.exitValue();
    }

    private boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }

    /** The repository's root: the nearest folder upwards that holds {@code mvnw}. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "not inside the llmq repository: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
