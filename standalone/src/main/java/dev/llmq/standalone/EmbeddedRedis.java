package dev.llmq.standalone;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real {@code redis-server} child process for the one-command run: the one on the PATH if there is one, else the
 * binary shipped in the embedded-redis jar. This class owns its lifecycle (the library's own shutdown hook would stop
 * Redis before the worker has stored what it was finishing), and a pid file lets the next run stop a server orphaned
 * by a killed JVM before it starts another on the same data.
 */
final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Duration STARTUP = Duration.ofSeconds(15);

    private final Process process;
    private final int port;

    private EmbeddedRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static EmbeddedRedis start(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            Path pidFile = dir.resolve("redis.pid");
            stopOrphan(pidFile);
            List<String> command = List.of(
                    executable().getAbsolutePath(),
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    dir.toString(),
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "everysec",
                    "--save",
                    "",
                    "--pidfile",
                    pidFile.toString(),
                    "--logfile",
                    dir.resolve("redis.log").toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile())
                    .start();
            EmbeddedRedis redis = new EmbeddedRedis(process, port);
            redis.awaitReady(dir);
            return redis;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start the embedded Redis in " + dir + "; set REDIS_URL instead", ex);
        }
    }

    private void awaitReady(Path dir) throws IOException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (!RedisForStandalone.answersPing("127.0.0.1", port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("redis-server did not start; see " + dir.resolve("redis.log") + " and "
                        + dir.resolve("redis.out"));
            }
            pause(Duration.ofMillis(50));
        }
    }

    /** A server left running by a run that was killed would share our append-only file: stop it first. */
    private static void stopOrphan(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String text = Files.readString(pidFile).trim();
        Optional<ProcessHandle> orphan = text.matches("\\d{1,10}")
                ? ProcessHandle.of(Long.parseLong(text))
                        .filter(ProcessHandle::isAlive)
                        // Debian's redis-server is a link to redis-check-rdb, which is what the process reports
                        .filter(p -> p.info().command().orElse("").contains("redis"))
                : Optional.empty();
        orphan.ifPresent(p -> {
            log.warn("Stopping redis-server (pid {}) left running by an earlier run on this data folder", p.pid());
            p.destroy();
            p.onExit()
                    .orTimeout(10, TimeUnit.SECONDS)
                    .exceptionally(ex -> {
                        p.destroyForcibly();
                        return p;
                    })
                    .join();
        });
        Files.deleteIfExists(pidFile);
    }

    private static File executable() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (!dir.isEmpty() && candidate.canExecute()) {
                return candidate;
            }
        }
        return ExecutableProvider.newJarResourceProvider().get();
    }

    int port() {
        return port;
    }

    /** SIGTERM: Redis flushes its append-only file and exits. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
