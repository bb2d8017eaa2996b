package dev.llmq.e2e.chaos;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisDeployment;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Network faults between services and Redis for a chaos run, through each service's own {@link FaultProxy}: each
 * fault hits the given proxies, lasts, heals, and is recorded on the {@link ChaosTimeline}.
 *
 * <p>A fault on a worker's link may make a query's LLM call count twice without any bug: the worker cannot record the
 * call's result or refresh its entry, another worker reclaims the entry and calls again (processing is at-least-once).
 * So the queries a fault catches in progress are excused from the maximum attempts, one repeat each: those in progress
 * just before it and just after it is applied (a worker may take an entry between the look and the fault), and, for a
 * blackhole, those pending for a faulted worker at any time while it lasts (entries Redis hands its blocked read then
 * reach it only when the link heals). Faults on api links excuse nothing.
 */
public final class NetworkFaults {

    /** How often a lasting fault on a worker's link looks at what is pending for that worker. */
    private static final Duration WATCH_INTERVAL = Duration.ofMillis(100);

    private final RedisDeployment redis;
    private final ChaosTimeline timeline;

    /** {@code redis} is reached directly, not through the proxies, to see which queries are in progress. */
    public NetworkFaults(RedisDeployment redis, ChaosTimeline timeline) {
        this.redis = redis;
        this.timeline = timeline;
    }

    /** Every chunk between the services and Redis held {@code each} way for {@code lasting}. */
    public void delay(List<Link> links, Duration each, Duration lasting) {
        inject("delay", links, lasting, proxy -> proxy.delay(each, each));
    }

    /** Nothing passes for {@code lasting} (open connections stay open, new ones are accepted), then all flows. */
    public void blackhole(List<Link> links, Duration lasting) {
        inject("blackhole", links, lasting, FaultProxy::blackhole, true);
    }

    /** Every open connection reset (RST); new ones are accepted at once. */
    public void reset(List<Link> links) {
        links.forEach(NetworkFaults::awaitConnected);
        inject("reset", links, Duration.ZERO, FaultProxy::resetConnections);
    }

    /** Every open connection reset and new ones refused for {@code lasting}: Redis is unreachable, then back. */
    public void cutOff(List<Link> links, Duration lasting) {
        inject("cut-off", links, lasting, proxy -> {
            proxy.refuse();
            proxy.resetConnections();
        });
    }

    private void inject(String kind, List<Link> links, Duration lasting, Consumer<FaultProxy> fault) {
        inject(kind, links, lasting, fault, false);
    }

    /**
     * Applies {@code fault} to the links, holds it for {@code lasting}, heals. With {@code holdsReplies}, the fault
     * keeps what Redis sends a worker until it heals, so the queries pending for a faulted worker at any time while it
     * lasts are caught too.
     */
    private void inject(
            String kind, List<Link> links, Duration lasting, Consumer<FaultProxy> fault, boolean holdsReplies) {
        long start = System.currentTimeMillis();
        List<String> consumers =
                links.stream().map(Link::consumer).filter(Objects::nonNull).toList();
        Set<Long> caught = consumers.isEmpty() ? new HashSet<>() : RedisAudit.inProgress(redis);
        links.forEach(link -> fault.accept(link.proxy()));
        if (!consumers.isEmpty()) {
            // and what a worker took between that look and the fault (a CI run saw query 61, which fails every attempt,
            // go to worker a as its blackhole began: called there, reclaimed by worker b, four calls, three allowed)
            caught.addAll(RedisAudit.inProgress(redis));
        }
        long ends = System.nanoTime() + lasting.toNanos();
        if (holdsReplies && !consumers.isEmpty()) {
            // a blocked read that Redis answers now gets its entries once the link heals, long after the other worker
            // reclaimed them; if the worker's client still takes that reply, the late delivery may call once more
            do {
                consumers.forEach(consumer -> caught.addAll(RedisAudit.pendingFor(redis, consumer)));
                ChaosFaults.hold(Duration.ofMillis(Math.min(WATCH_INTERVAL.toMillis(), remainingMillis(ends))));
            } while (System.nanoTime() < ends);
        } else {
            ChaosFaults.hold(lasting);
        }
        timeline.excuseQueries(caught);
        links.forEach(link -> link.proxy().heal());
        String targets = links.stream().map(Link::name).collect(Collectors.joining("+"));
        timeline.record(kind, targets, start);
    }

    private static long remainingMillis(long endsNanos) {
        return Math.max(0, (endsNanos - System.nanoTime()) / 1_000_000L);
    }

    /** A reset of no connection would prove nothing: waits for the service to be connected (again). */
    private static void awaitConnected(Link link) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> link.proxy().openConnections() > 0);
    }

    /**
     * One service's way to Redis: its name in the report, its proxy, and, for a worker, its consumer name in the
     * workers' group ({@code null} for an api replica).
     */
    public record Link(String name, FaultProxy proxy, String consumer) {

        public static Link api(String name, FaultProxy proxy) {
            return new Link(name, proxy, null);
        }

        public static Link worker(String name, FaultProxy proxy, String consumer) {
            return new Link(name, proxy, consumer);
        }
    }
}
