package dev.llmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A process a benchmark started (a built jar, {@code redis-server}, {@code redis-benchmark}), its output in a log file
 * under {@code bench/target/logs}. Every process still running when the benchmark JVM exits is killed.
 */
final class Launched implements AutoCloseable {

    private static final List<Process> RUNNING = new CopyOnWriteArrayList<>();
    static final Duration STOP_GRACE = Duration.ofSeconds(5);

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> RUNNING.forEach(process -> process.descendants().forEach(ProcessHandle::destroyForcibly)),
                        "bench-kill-children"));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "bench-kill-processes"));
    }

    private final String name;
    private final Path log;
    private final Process process;
    private volatile boolean graceful = true;

    private Launched(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code command} with {@code environment} added to this JVM's, output to {@code <logs>/<name>.log}. */
    static Launched start(String name, Path logs, Map<String, String> environment, List<String> command) {
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            RUNNING.add(process);
            return new Launched(name, log, process);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, ex);
        }
    }

    /** Waits until the output contains {@code text}; fails at once if the process exits. */
    Launched awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        name + " did not print '" + text + "' within " + timeout + ", see " + log);
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** Waits for the process to exit and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running after " + timeout + ", see " + log);
        }
        RUNNING.remove(process);
        return process.exitValue();
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    long pid() {
        return process.pid();
    }

    String name() {
        return name;
    }

    /**
     * Makes {@link #close()} kill the process at once (SIGKILL) instead of stopping it gracefully: for a service that
     * has nothing to write out when it stops (no JFR recording), whose graceful stop would only cost the run time.
     */
    Launched stopAtOnce() {
        graceful = false;
        return this;
    }

    /** Asks the process to stop (SIGTERM), as {@link #close()} does for a graceful one, without waiting. */
    void requestStop() {
        process.destroy();
    }

    /** Whether the process is still running. */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the process with SIGTERM (a JFR recording is written out then), then forcibly if it takes longer than
     * {@link #STOP_GRACE}, or at once after {@link #stopAtOnce()}: a scenario closes its processes once it has
     * measured, so a graceful stop that finishes in-flight work (a worker's shutdown grace is 30 s) only costs the run
     * time.
     */
    @Override
    public void close() {
        if (graceful) {
            process.destroy();
        } else {
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }
}
