package dev.llmq.e2e.chaos;

import static org.awaitility.Awaitility.await;

import dev.llmq.shared.testing.RedisDeployment;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Network faults between services and Redis for a chaos run, through each service's own {@link FaultProxy}: each
 * fault hits the given proxies, lasts, heals, and is recorded on the {@link ChaosTimeline}.
 *
 * <p>A fault on a worker's link may make a query's LLM call count twice without any bug: the worker cannot record the
 * call's result or refresh its entry, another worker reclaims the entry and calls again (processing is at-least-once).
 * So the queries in progress when such a fault begins are excused from the maximum attempts, one repeat each. Faults on
 * api links excuse nothing.
 */
public final class NetworkFaults {

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
        inject("blackhole", links, lasting, FaultProxy::blackhole);
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
        long start = System.currentTimeMillis();
        if (links.stream().anyMatch(Link::worker)) {
            timeline.excuseQueries(RedisAudit.inProgress(redis));
        }
        links.forEach(link -> fault.accept(link.proxy()));
        ChaosFaults.hold(lasting);
        links.forEach(link -> link.proxy().heal());
        String targets = links.stream().map(Link::name).collect(Collectors.joining("+"));
        timeline.record(kind, targets, start);
    }

    /** A reset of no connection would prove nothing: waits for the service to be connected (again). */
    private static void awaitConnected(Link link) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> link.proxy().openConnections() > 0);
    }

    /** One service's way to Redis: its name in the report, its proxy, and whether it is a worker. */
    public record Link(String name, FaultProxy proxy, boolean worker) {}
}
