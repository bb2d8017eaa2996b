package dev.llmq.shared.testing;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.redis.RedisEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis server for tests: {@code LLMQ_TEST_REDIS_URL} if set, else a Testcontainers Redis when a Docker engine
 * answers, else a {@code redis-server} from PATH started on a free port in a temp dir. Only the last kind can be
 * stopped, killed and restarted; tests that need that call {@link #assumeRestartable()}.
 */
public final class TestRedis implements RedisDeployment {

    private static final Pattern COMMAND_STATS = Pattern.compile("(?m)^cmdstat_([^:]+):calls=(\\d+)");

    private final String host;
    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private final GenericContainer<?> container;
    private final boolean external;
    private Process process;

    private TestRedis(
            String host, int port, Path dir, boolean appendOnly, GenericContainer<?> container, boolean external) {
        this.host = host;
        this.port = port;
        this.dir = dir;
        this.appendOnly = appendOnly;
        this.container = container;
        this.external = external;
    }

    /** Starts (or points at) a Redis for one test class, empty. */
    public static TestRedis start() {
        return start(false);
    }

    /** As {@link #start()}; with {@code appendOnly} a local server keeps an AOF ({@code appendfsync everysec}). */
    public static TestRedis start(boolean appendOnly) {
        String url = System.getenv("LLMQ_TEST_REDIS_URL");
        if (url != null && !url.isBlank() && !appendOnly) {
            URI uri = URI.create(url);
            TestRedis redis =
                    new TestRedis(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort(), null, false, null, true);
            redis.flushAll();
            return redis;
        }
        if (!appendOnly && dockerAnswers()) {
            GenericContainer<?> container = new GenericContainer<>("redis:7").withExposedPorts(6379);
            container.start();
            return new TestRedis(container.getHost(), container.getMappedPort(6379), null, false, container, false);
        }
        try {
            TestRedis redis = new TestRedis(
                    "127.0.0.1", FreePorts.find(), Files.createTempDirectory("llmq-redis-"), appendOnly, null, false);
            redis.startProcess();
            return redis;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException ex) {
            return false;
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The URL services take as {@code REDIS_URL}. */
    public String url() {
        return "redis://" + host + ":" + port;
    }

    @Override
    public RedisEnvironment environment() {
        return RedisEnvironment.ofUrl(url());
    }

    @Override
    public Map<String, String> serviceEnvironment() {
        return Map.of("REDIS_URL", url());
    }

    /** Skips the calling test unless this Redis is a local process the test may stop and restart. */
    public void assumeRestartable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dir != null, "needs a redis-server process (LLMQ_TEST_REDIS_URL or a container is in use)");
    }

    /** Opens a fresh connection for one or more commands. */
    public RedisCli cli() {
        return new RedisCli(host, port);
    }

    /** Runs one command on a fresh connection. */
    @Override
    public Object call(String... command) {
        try (RedisCli cli = cli()) {
            return cli.call(command);
        }
    }

    /**
     * Calls of each command so far, from {@code INFO commandstats} by lower-case name ({@code "xadd"},
     * {@code "client|setname"}), commands run by scripts included, as Redis counts them.
     */
    public Map<String, Long> commandCalls() {
        Map<String, Long> calls = new java.util.TreeMap<>();
        Matcher line = COMMAND_STATS.matcher(call("INFO", "commandstats").toString());
        while (line.find()) {
            calls.put(line.group(1), Long.parseLong(line.group(2)));
        }
        return calls;
    }

    @Override
    public void flushAll() {
        call("FLUSHALL");
    }

    /** Kills the server with SIGKILL, as a crash would. */
    public void kill() {
        assumeRestartable();
        process.destroyForcibly();
        waitFor(process);
        process = null;
    }

    /** Starts the server again on the same port and directory (an AOF is replayed). */
    public void restart() {
        assumeRestartable();
        if (process != null) {
            kill();
        }
        startProcess();
    }

    private void startProcess() {
        List<String> command = new ArrayList<>(List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--protected-mode",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString()));
        if (appendOnly) {
            command.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec"));
        } else {
            command.addAll(List.of("--appendonly", "no"));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile())
                    .start();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot start redis-server: is it installed and on PATH?", ex);
        }
        Process started = process;
        ChildProcesses.register(started);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException(
                                "redis-server exited: " + Files.readString(dir.resolve("redis.out")));
                    }
                    return "PONG".equals(call("PING"));
                });
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
        if (process != null) {
            process.destroy();
            waitFor(process);
            process = null;
        }
    }

    private static void waitFor(Process process) {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return external ? "external Redis " + url() : url();
    }
}
