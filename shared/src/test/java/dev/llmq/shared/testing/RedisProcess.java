package dev.llmq.shared.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} (or Sentinel) child process on a loopback port with its own folder, for the multi-node
 * fixtures; killed with the test JVM if a test forgets it.
 */
final class RedisProcess implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final List<String> leading;
    private final List<String> options;
    private final Process process;

    private RedisProcess(int port, Path dir, List<String> leading, List<String> options, Process process) {
        this.port = port;
        this.dir = dir;
        this.leading = leading;
        this.options = options;
        this.process = process;
    }

    /** Starts {@code redis-server} with {@code leading} arguments (e.g. a config file) then the usual test options. */
    static RedisProcess start(Path dir, int port, List<String> leading, List<String> options) {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        command.addAll(leading);
        command.addAll(List.of(
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--protected-mode", "no",
                "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(options);
        Process process;
        try {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start redis-server: is it installed and on PATH?", ex);
        }
        ChildProcesses.register(process);
        RedisProcess redis = new RedisProcess(port, dir, List.copyOf(leading), List.copyOf(options), process);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("redis-server exited: " + redis.log());
                    }
                    return "PONG".equals(redis.call("PING"));
                });
        return redis;
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Object call(String... command) {
        try (RedisCli cli = new RedisCli("127.0.0.1", port)) {
            return cli.call(command);
        }
    }

    String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("redis.out"));
        } catch (IOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    /** SIGKILL, as a crash. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Starts this server again (killed or stopped) on the same port, folder and options; returns the new process. */
    RedisProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("redis-server on " + address() + " still runs");
        }
        return start(dir, port, leading, options);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            waitForExit();
        }
    }

    /** Deletes a fixture's folder (every node's data and logs) once its processes have stopped. */
    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ex) {
            // a leftover temp folder is no reason to fail a test
        }
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
