package dev.llmq.shared.testing;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.redis.RedisEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Sentinel setup for tests: one primary, one replica and {@code sentinels} {@code redis-server --sentinel}
 * processes on free loopback ports, monitoring the primary as {@value #MASTER_NAME}. {@link #failover()} runs {@code
 * SENTINEL FAILOVER} and waits until the replica is the primary; {@link #call} always goes to the current primary.
 */
public final class TestRedisSentinel implements RedisDeployment {

    public static final String MASTER_NAME = "llmq";

    private final Path dir;
    private final List<RedisProcess> servers = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private TestRedisSentinel(Path dir) {
        this.dir = dir;
    }

    /** Starts the primary, its replica and the Sentinels, and waits until they all know each other. */
    public static TestRedisSentinel start(int sentinelCount) {
        TestRedisSentinel setup;
        try {
            setup = new TestRedisSentinel(Files.createTempDirectory("llmq-redis-sentinel-"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        try {
            setup.startServers();
            for (int i = 0; i < sentinelCount; i++) {
                setup.startSentinel(Math.max(1, (sentinelCount + 1) / 2));
            }
            setup.awaitSentinelsSeeTheReplica();
            return setup;
        } catch (RuntimeException ex) {
            setup.close();
            throw ex;
        }
    }

    private void startServers() {
        int primaryPort = FreePorts.find();
        // no 5 s wait before a full resync: the replica's first sync, and the old primary's after a failover
        // DEBUG SLEEP holds a replica back from confirming what it was sent
        List<String> options = List.of(
                "--save",
                "",
                "--appendonly",
                "no",
                "--repl-diskless-sync-delay",
                "0",
                "--enable-debug-command",
                "local");
        servers.add(RedisProcess.start(dir.resolve("server-" + primaryPort), primaryPort, List.of(), options));
        int replicaPort = FreePorts.find();
        List<String> replica = new ArrayList<>(options);
        replica.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)));
        servers.add(RedisProcess.start(dir.resolve("server-" + replicaPort), replicaPort, List.of(), replica));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> ((String) servers.get(1).call("INFO", "replication")).contains("master_link_status:up"));
    }

    private void startSentinel(int quorum) {
        int port = FreePorts.find();
        Path home = dir.resolve("sentinel-" + port);
        Path config = home.resolve("sentinel.conf");
        try {
            Files.createDirectories(home);
            // Sentinel rewrites its config file as it learns the setup, so each one gets its own, writable
            Files.writeString(
                    config,
                    String.join(
                            "\n",
                            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 "
                                    + servers.getFirst().port() + " " + quorum,
                            "sentinel down-after-milliseconds " + MASTER_NAME + " 2000",
                            "sentinel failover-timeout " + MASTER_NAME + " 10000",
                            "sentinel parallel-syncs " + MASTER_NAME + " 1",
                            ""));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        sentinels.add(RedisProcess.start(home, port, List.of(config.toString(), "--sentinel"), List.of()));
    }

    private void awaitSentinelsSeeTheReplica() {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> sentinels.stream()
                        .allMatch(
                                sentinel -> !((List<?>) sentinel.call("SENTINEL", "REPLICAS", MASTER_NAME)).isEmpty()));
    }

    /** The primary's address as the Sentinels report it now. */
    public String primary() {
        List<?> address = (List<?>) sentinels.getFirst().call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        return address.get(0) + ":" + address.get(1);
    }

    /**
     * {@code SENTINEL FAILOVER}: the replica becomes the primary, the old primary its replica. First waits until the
     * replica has every write made so far, so only writes made during the failover can be lost (replication is
     * asynchronous: the old primary accepts writes until the Sentinel turns it into a replica). Returns once the new
     * primary accepts writes and the old one has become its replica (from then on it refuses writes).
     */
    public void failover() {
        String before = primary();
        on(before, "SET", "llmq-test:failover-fence", "1");
        if ((Long) on(before, "WAIT", "1", "5000") < 1) {
            throw new IllegalStateException("the replica did not catch up with " + before);
        }
        sentinels.getFirst().call("SENTINEL", "FAILOVER", MASTER_NAME);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> !primary().equals(before)
                        && ((String) on(primary(), "INFO", "replication")).contains("role:master")
                        && ((String) on(before, "INFO", "replication")).contains("role:slave"));
    }

    /** Runs {@code command} on the server that is a replica now (there is one). */
    public Object callOnReplica(String... command) {
        String primary = primary();
        RedisProcess replica = servers.stream()
                .filter(server -> !server.address().equals(primary))
                .findFirst()
                .orElseThrow();
        return replica.call(command);
    }

    @Override
    public RedisEnvironment environment() {
        return new RedisEnvironment(null, null, sentinelAddresses(), MASTER_NAME, null, null, null, null, null);
    }

    @Override
    public Map<String, String> serviceEnvironment() {
        return Map.of(
                "LLMQ_REDIS_SENTINEL_NODES",
                sentinelAddresses(),
                "LLMQ_REDIS_SENTINEL_MASTER",
                MASTER_NAME,
                "REDIS_URL",
                "");
    }

    private String sentinelAddresses() {
        return sentinels.stream().map(RedisProcess::address).collect(Collectors.joining(","));
    }

    @Override
    public Object call(String... command) {
        return on(primary(), command);
    }

    private static Object on(String address, String... command) {
        int colon = address.lastIndexOf(':');
        try (RedisCli cli = new RedisCli(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))) {
            return cli.call(command);
        }
    }

    @Override
    public void flushAll() {
        call("FLUSHALL");
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcess::close);
        servers.forEach(RedisProcess::close);
        RedisProcess.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "Redis Sentinel " + sentinelAddresses() + " (primary " + MASTER_NAME + ")";
    }
}
