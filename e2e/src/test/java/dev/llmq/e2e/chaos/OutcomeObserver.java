package dev.llmq.e2e.chaos;

import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Watches every write of an outcome, independently of the services: on each Redis node it turns on keyspace
 * notifications for string commands ({@code notify-keyspace-events K$}) and pattern-subscribes to {@code
 * __keyspace@0__:query_result_*} (one {@code set} event per successful write of a result key; a {@code SET NX} that
 * finds the key writes nothing and notifies nothing) and to the services' own {@code query_result_*} channel (one
 * message per published outcome, carrying its JSON). Counts are kept per node and read as the maximum over nodes, so
 * that a Redis Cluster's nodes (which all relay a {@code PUBLISH}) count one write once.
 *
 * <p>A connection lost while Redis is down is re-made (and the notification setting, which a restart forgets, set
 * again) every 100 ms, once Redis has loaded its data (so that replayed writes are not counted); writes in between go
 * unseen, which is why the final check also compares the stored outcome with
 * the first one seen.
 */
public final class OutcomeObserver implements AutoCloseable {

    private static final String KEYSPACE_PATTERN = "__keyspace@0__:" + RedisKeys.RESULT_CHANNEL_PATTERN;

    /** What was seen of one query's outcome: the first JSON published (or null) and when, and the write counts. */
    public record Seen(String firstValue, long firstSeenMillis, int writes, int publishes) {}

    private final Supplier<List<String>> nodes;
    private final Map<Long, Map<String, int[]>> counts = new ConcurrentHashMap<>();
    private final Map<Long, String> firstValues = new ConcurrentHashMap<>();
    private final Map<Long, Long> firstSeen = new ConcurrentHashMap<>();
    private final Set<String> watched = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<RedisCli> connections = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private OutcomeObserver(Supplier<List<String>> nodes) {
        this.nodes = nodes;
    }

    /**
     * Starts watching the nodes {@code nodes} returns ({@code host:port}; asked again by {@link #watchNewNodes()}) and
     * returns once every one is subscribed.
     */
    public static OutcomeObserver start(Supplier<List<String>> nodes) {
        OutcomeObserver observer = new OutcomeObserver(nodes);
        observer.watchNewNodes();
        return observer;
    }

    /** Starts watching nodes that {@code nodes} returns now and were not watched yet (e.g. after a failover). */
    public void watchNewNodes() {
        for (String node : nodes.get()) {
            if (watched.add(node)) {
                CountDownLatch subscribed = new CountDownLatch(1);
                Thread thread = Thread.ofPlatform()
                        .daemon()
                        .name("chaos-observer-" + node)
                        .start(() -> watch(node, subscribed));
                threads.add(thread);
                try {
                    if (!subscribed.await(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("cannot subscribe to " + node);
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
            }
        }
    }

    private void watch(String node, CountDownLatch subscribed) {
        int colon = node.lastIndexOf(':');
        while (running) {
            RedisCli cli = null;
            try {
                cli = new RedisCli(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1)));
                connections.add(cli);
                // a server still loading its append-only file answers -LOADING (an exception here) and would
                // notify the writes it replays: subscribe only once it serves
                cli.call("PING");
                cli.call("CONFIG", "SET", "notify-keyspace-events", "K$");
                cli.call("PSUBSCRIBE", KEYSPACE_PATTERN, RedisKeys.RESULT_CHANNEL_PATTERN);
                cli.readReply();
                subscribed.countDown();
                readMessages(node, cli);
            } catch (UncheckedIOException | IOException | IllegalStateException ex) {
                // Redis is down or restarting: try again shortly
            } finally {
                if (cli != null) {
                    connections.remove(cli);
                    closeQuietly(cli);
                }
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    private static void closeQuietly(RedisCli cli) {
        try {
            cli.close();
        } catch (UncheckedIOException ex) {
            // the connection is gone either way
        }
    }

    private void readMessages(String node, RedisCli cli) throws IOException {
        while (running) {
            Object reply;
            try {
                reply = cli.readReply();
            } catch (SocketTimeoutException ex) {
                continue;
            }
            if (reply instanceof List<?> message && message.size() == 4 && "pmessage".equals(message.get(0))) {
                onMessage(node, (String) message.get(2), (String) message.get(3));
            }
        }
    }

    private void onMessage(String node, String channel, String payload) {
        if (channel.startsWith("__keyspace@")) {
            if ("set".equals(payload)) {
                var id = RedisKeys.idOfResultChannel(channel.substring(channel.indexOf(':') + 1));
                if (id != null) {
                    count(node, id.value(), 0);
                }
            }
            return;
        }
        var id = RedisKeys.idOfResultChannel(channel);
        if (id != null) {
            count(node, id.value(), 1);
            firstSeen.putIfAbsent(id.value(), System.currentTimeMillis());
            firstValues.putIfAbsent(id.value(), payload);
        }
    }

    private void count(String node, long id, int which) {
        int[] perNode =
                counts.computeIfAbsent(id, key -> new ConcurrentHashMap<>()).computeIfAbsent(node, key -> new int[2]);
        synchronized (perNode) {
            perNode[which]++;
        }
    }

    /** What was seen of {@code id}'s outcome so far. */
    public Seen seen(long id) {
        int writes = 0;
        int publishes = 0;
        for (int[] perNode : counts.getOrDefault(id, Map.of()).values()) {
            synchronized (perNode) {
                writes = Math.max(writes, perNode[0]);
                publishes = Math.max(publishes, perNode[1]);
            }
        }
        return new Seen(firstValues.get(id), firstSeen.getOrDefault(id, 0L), writes, publishes);
    }

    /** Whether an outcome of {@code id} has been published. */
    public boolean published(long id) {
        return firstValues.containsKey(id);
    }

    @Override
    public void close() {
        running = false;
        connections.forEach(OutcomeObserver::closeQuietly);
        for (Thread thread : threads) {
            try {
                thread.join(5_000);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
