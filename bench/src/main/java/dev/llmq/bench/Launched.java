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

    /** Stops the process gracefully (SIGTERM), then forcibly if it takes longer than 20 seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(process);
    }
}
