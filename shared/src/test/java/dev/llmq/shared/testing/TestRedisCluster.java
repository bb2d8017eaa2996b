package dev.llmq.shared.testing;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.redis.RedisEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for tests: {@code primaries} {@code redis-server --cluster-enabled yes} processes (and {@code
 * replicasPerPrimary} replicas of each) on free loopback ports, joined by {@code redis-cli --cluster create}. Commands
 * sent through {@link #call} follow {@code MOVED} redirects; {@code KEYS}, {@code DBSIZE} and {@code FLUSHALL} run on
 * every primary and add up; {@code SCRIPT} runs on every node.
 */
public final class TestRedisCluster implements RedisDeployment {

    private final Path dir;
    private final List<RedisProcess> nodes;

    private TestRedisCluster(Path dir, List<RedisProcess> nodes) {
        this.dir = dir;
        this.nodes = nodes;
    }

    /** Starts the nodes, creates the cluster and waits until every node says the cluster is ok. */
    public static TestRedisCluster start(int primaries, int replicasPerPrimary) {
        Path dir;
        try {
            dir = Files.createTempDirectory("llmq-redis-cluster-");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        // nodes are replaced when restarted, while other threads may look for a live one
        List<RedisProcess> nodes = new CopyOnWriteArrayList<>();
        TestRedisCluster cluster = new TestRedisCluster(dir, nodes);
        try {
            for (int i = 0; i < primaries * (1 + replicasPerPrimary); i++) {
                int port = FreePorts.find();
                nodes.add(RedisProcess.start(
                        dir.resolve("node-" + port),
                        port,
                        List.of(),
                        List.of(
                                "--cluster-enabled", "yes",
                                // the bus port is normally port + 10000, which may be taken or past 65535
                                "--cluster-port", Integer.toString(FreePorts.find()),
                                "--cluster-config-file", "nodes.conf",
                                "--cluster-node-timeout", "2000",
                                // DEBUG SLEEP holds a replica back from acknowledging what it was sent
                                "--enable-debug-command", "local",
                                "--save", "",
                                "--appendonly", "no")));
            }
            cluster.create(replicasPerPrimary);
            return cluster;
        } catch (RuntimeException ex) {
            cluster.close();
            throw ex;
        }
    }

    private void create(int replicasPerPrimary) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(node -> command.add(node.address()));
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerPrimary), "--cluster-yes"));
        try {
            Process create = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cluster-create.log").toFile())
                    .start();
            ChildProcesses.register(create);
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                create.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed:\n"
                        + Files.readString(dir.resolve("cluster-create.log"), StandardCharsets.UTF_8));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot run redis-cli: is it installed and on PATH?", ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> nodes.stream()
                        .allMatch(node -> ((String) node.call("CLUSTER", "INFO")).contains("cluster_state:ok")));
    }

    /** The addresses of the primaries now, as the cluster itself reports them. */
    public List<String> primaries() {
        return nodesFlagged("master");
    }

    /** The addresses of the replicas now, as the cluster itself reports them. */
    public List<String> replicas() {
        return nodesFlagged("slave");
    }

    private List<String> nodesFlagged(String role) {
        String table = (String) anyLiveNode().call("CLUSTER", "NODES");
        return table.lines()
                .map(line -> line.split(" "))
                .filter(fields -> fields[2].contains(role) && !fields[2].contains("fail"))
                .map(fields -> fields[1].substring(0, fields[1].indexOf('@')))
                .sorted()
                .toList();
    }

    /** The addresses of the replicas that follow the primary at {@code primary} now, as the cluster reports them. */
    public List<String> replicasOf(String primary) {
        String table = (String) anyLiveNode().call("CLUSTER", "NODES");
        String primaryId = table.lines()
                .map(line -> line.split(" "))
                .filter(fields -> fields[1].startsWith(primary + "@"))
                .map(fields -> fields[0])
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node " + primary + " in\n" + table));
        return table.lines()
                .map(line -> line.split(" "))
                .filter(fields -> fields[3].equals(primaryId) && !fields[2].contains("fail"))
                .map(fields -> fields[1].substring(0, fields[1].indexOf('@')))
                .sorted()
                .toList();
    }

    /** SIGKILL of the node at {@code address}, as a crash; the others notice after the node timeout (2 s). */
    public void kill(String address) {
        node(address).kill();
    }

    /**
     * Starts the killed node at {@code address} again on its port and folder: it keeps its cluster identity
     * ({@code nodes.conf}) and rejoins, as a replica if another node took over its slots meanwhile.
     */
    public void restart(String address) {
        RedisProcess old = node(address);
        nodes.set(nodes.indexOf(old), old.restart());
    }

    /**
     * Waits until the replica at {@code replica} has its link to its primary up and no sync in progress: only then does
     * it hold the primary's data, and only then may it take over without losing most of it.
     */
    public void awaitReplicaInSync(String replica, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    String info = (String) callOn(replica, "INFO", "replication");
                    return info.contains("role:slave")
                            && info.contains("master_link_status:up")
                            && info.contains("master_sync_in_progress:0");
                });
    }

    /**
     * Makes the replica at {@code replica} take over its primary's slots now ({@code CLUSTER FAILOVER FORCE}: without
     * the primary's consent, which a dead primary cannot give, but with the other primaries' votes).
     */
    public void failover(String replica) {
        callOn(replica, "CLUSTER", "FAILOVER", "FORCE");
    }

    /**
     * Waits until every running node says the cluster is ok with all 16384 slots served, and every running node agrees
     * on which primaries there are.
     */
    public void awaitHealthy(Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> nodes.stream().filter(RedisProcess::isAlive).allMatch(node -> {
                            String info = (String) node.call("CLUSTER", "INFO");
                            return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384");
                        })
                        && nodes.stream()
                                        .filter(RedisProcess::isAlive)
                                        .map(node -> primariesSeenBy(node))
                                        .distinct()
                                        .count()
                                == 1);
    }

    private List<String> primariesSeenBy(RedisProcess node) {
        return ((String) node.call("CLUSTER", "NODES"))
                .lines()
                .map(line -> line.split(" "))
                .filter(fields -> fields[2].contains("master") && !fields[2].contains("fail"))
                .map(fields -> fields[1].substring(0, fields[1].indexOf('@')))
                .sorted()
                .toList();
    }

    private RedisProcess node(String address) {
        return nodes.stream()
                .filter(node -> node.address().equals(address))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cluster node at " + address));
    }

    /** The address of the primary that holds {@code key}'s slot now. */
    public String primaryOf(String key) {
        long slot = (Long) anyLiveNode().call("CLUSTER", "KEYSLOT", key);
        for (Object range : (List<?>) anyLiveNode().call("CLUSTER", "SLOTS")) {
            List<?> fields = (List<?>) range;
            if ((Long) fields.get(0) <= slot && slot <= (Long) fields.get(1)) {
                List<?> primary = (List<?>) fields.get(2);
                return primary.get(0) + ":" + primary.get(1);
            }
        }
        throw new IllegalStateException("no node serves slot " + slot);
    }

    @Override
    public RedisEnvironment environment() {
        return new RedisEnvironment(null, seeds(), null, null, null, null, null, null, null);
    }

    @Override
    public Map<String, String> serviceEnvironment() {
        // blank, so that a REDIS_URL inherited from the test JVM cannot conflict
        return Map.of("LLMQ_REDIS_CLUSTER_NODES", seeds(), "REDIS_URL", "");
    }

    private String seeds() {
        return nodes.stream().map(RedisProcess::address).collect(Collectors.joining(","));
    }

    @Override
    public Object call(String... command) {
        String name = command[0].toUpperCase(java.util.Locale.ROOT);
        switch (name) {
            case "KEYS" -> {
                List<Object> keys = new ArrayList<>();
                primaries().forEach(primary -> keys.addAll((List<?>) callOn(primary, command)));
                return keys;
            }
            case "DBSIZE" -> {
                return primaries().stream()
                        .mapToLong(primary -> (Long) callOn(primary, command))
                        .sum();
            }
            case "FLUSHALL", "FLUSHDB" -> {
                primaries().forEach(primary -> callOn(primary, command));
                return "OK";
            }
            case "SCRIPT" -> {
                // SCRIPT FLUSH forgets the scripts of every node, as restarting them all would
                nodes.stream().filter(RedisProcess::isAlive).forEach(node -> node.call(command));
                return "OK";
            }
            default -> {
                return redirected(anyLiveNode().address(), command, 5);
            }
        }
    }

    private Object redirected(String address, String[] command, int hops) {
        try {
            return callOn(address, command);
        } catch (IllegalStateException ex) {
            String message = String.valueOf(ex.getMessage());
            int moved = message.indexOf("MOVED ");
            if (moved < 0 || hops == 0) {
                throw ex;
            }
            String target = message.substring(moved).split(" ")[2];
            return redirected(target, command, hops - 1);
        }
    }

    /** Runs one command on the node at {@code address} ({@code host:port}), wherever its key lives. */
    public Object callOn(String address, String... command) {
        int colon = address.lastIndexOf(':');
        try (RedisCli cli = new RedisCli(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))) {
            return cli.call(command);
        }
    }

    private RedisProcess anyLiveNode() {
        return nodes.stream()
                .filter(RedisProcess::isAlive)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("every cluster node is down"));
    }

    @Override
    public void flushAll() {
        call("FLUSHALL");
    }

    /** Every node's log, for a failure message. */
    public String logs() {
        return nodes.stream()
                .map(node -> "--- " + node.address() + "\n" + node.log())
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcess::close);
        RedisProcess.deleteTree(dir);
    }

    @Override
    public String toString() {
        return "Redis Cluster " + seeds();
    }
}
