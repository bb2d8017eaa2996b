package dev.llmq.e2e.chaos;

import static org.awaitility.Awaitility.await;

import dev.llmq.e2e.Cluster;
import dev.llmq.shared.testing.RedisDeployment;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One chaos run on any {@link RedisDeployment} and any set of api replicas and workers a {@link Cluster} started:
 * watches outcome writes ({@link OutcomeObserver}), drives load ({@link ChaosLoad}), lets the scenario break things
 * through {@link #faults()} (or record its own on {@link #timeline()}), then {@link #finish} stops the load, waits for
 * the system to drain, gathers the evidence and judges it with {@link ChaosInvariants}, printing the summary line.
 *
 * <pre>{@code
 * try (ChaosRun run = ChaosRun.start(cluster, redis, List.of(apiA.url(), apiB.url()), settings, maxAttempts)) {
 *     run.faults().killWorker(worker, () -> cluster.startWorker(args));
 *     ChaosSummary summary = run.finish(Duration.ofSeconds(60));
 *     assertThat(summary.violations()).isEmpty();
 * }
 * }</pre>
 */
public final class ChaosRun implements AutoCloseable {

    private static final Duration QUIET = Duration.ofSeconds(15);

    private final RedisDeployment redis;
    private final int maxAttempts;
    private final ChaosTimeline timeline = new ChaosTimeline();
    private final ChaosFaults faults;
    private final OutcomeObserver observer;
    private final ChaosLoad load;

    private ChaosRun(
            Cluster cluster,
            RedisDeployment redis,
            Supplier<List<String>> nodes,
            List<String> replicaUrls,
            ChaosLoad.Settings settings,
            int maxAttempts) {
        this.redis = redis;
        this.maxAttempts = maxAttempts;
        this.faults = new ChaosFaults(cluster, redis, timeline);
        this.observer = OutcomeObserver.start(nodes);
        this.load = ChaosLoad.start(replicaUrls, settings);
    }

    /**
     * Starts watching {@code redis} and submitting to the replicas at {@code replicaUrls}; {@code maxAttempts} is the
     * workers' {@code LLMQ_WORKER_MAX_ATTEMPTS}.
     */
    public static ChaosRun start(
            Cluster cluster,
            RedisDeployment redis,
            List<String> replicaUrls,
            ChaosLoad.Settings settings,
            int maxAttempts) {
        return new ChaosRun(cluster, redis, RedisAudit.nodes(redis), replicaUrls, settings, maxAttempts);
    }

    /**
     * As {@link #start(Cluster, RedisDeployment, List, ChaosLoad.Settings, int)}, with the Redis nodes to watch given
     * ({@code host:port}), e.g. the servers behind a proxy the services talk through; {@code redis} must reach the
     * same data directly, for the audit.
     */
    public static ChaosRun start(
            Cluster cluster,
            RedisDeployment redis,
            Supplier<List<String>> nodes,
            List<String> replicaUrls,
            ChaosLoad.Settings settings,
            int maxAttempts) {
        return new ChaosRun(cluster, redis, nodes, replicaUrls, settings, maxAttempts);
    }

    public ChaosTimeline timeline() {
        return timeline;
    }

    public ChaosFaults faults() {
        return faults;
    }

    public ChaosLoad load() {
        return load;
    }

    public OutcomeObserver observer() {
        return observer;
    }

    /**
     * Stops the load, waits until every accepted query has an outcome (or none appeared for 15 s, or {@code drainAtMost}
     * passed), then checks the invariants and prints the summary line to stdout.
     */
    public ChaosSummary finish(Duration drainAtMost) {
        load.stop();
        List<ChaosLoad.Accepted> accepted = load.accepted();
        awaitDrained(accepted, drainAtMost);
        List<Long> ids =
                accepted.stream().map(ChaosLoad.Accepted::id).distinct().toList();
        Map<Long, OutcomeObserver.Seen> seen =
                ids.stream().collect(Collectors.toMap(Function.identity(), observer::seen));
        ChaosEvidence evidence = new ChaosEvidence(
                accepted,
                RedisAudit.stored(redis, ids),
                seen,
                faults.llmCalls(),
                timeline.repeatAllowances(),
                maxAttempts,
                RedisAudit.pending(redis),
                KeySurvey.unbounded(KeySurvey.keys(redis)),
                load.waits(),
                timeline.durabilityGaps());
        ChaosSummary summary = ChaosInvariants.check(evidence, timeline.describe());
        System.out.println(summary);
        return summary;
    }

    private void awaitDrained(List<ChaosLoad.Accepted> accepted, Duration atMost) {
        long giveUpAt = System.nanoTime() + atMost.toNanos();
        Set<Long> open = accepted.stream().map(ChaosLoad.Accepted::id).collect(Collectors.toCollection(HashSet::new));
        long lastProgress = System.nanoTime();
        while (!open.isEmpty() && System.nanoTime() < giveUpAt && System.nanoTime() - lastProgress < QUIET.toNanos()) {
            int before = open.size();
            open.removeIf(id -> observer.published(id) || RedisAudit.hasOutcome(redis, id));
            if (open.size() < before) {
                lastProgress = System.nanoTime();
            }
            ChaosFaults.hold(Duration.ofMillis(500));
        }
        // entries of queries answered last are acknowledged just after their outcome is stored
        try {
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> RedisAudit.pending(redis).values().stream().allMatch(count -> count == 0));
        } catch (ConditionTimeoutException ex) {
            // the invariants report what is still pending
        }
    }

    @Override
    public void close() {
        load.close();
        observer.close();
    }
}
