package dev.llmq.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.e2e.Cluster;
import dev.llmq.shared.redis.RedisKeys;
import dev.llmq.shared.testing.RedisServerExtension;
import dev.llmq.shared.testing.ServiceProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * llmq's guarantees while things break under sustained load: two api replicas, two workers and the simulator (with
 * 5xx, 429s, resets and slow answers) on one Redis with an append-only file fsynced every second. During the load:
 * kill -9 of a worker, of an api replica and of redis-server, each restarted, and a zombie worker frozen past its
 * reclaim time. Then the load stops, the system drains, and {@link ChaosInvariants} checks every accepted query.
 *
 * <p>One round of faults by default (CI); {@code -Dllmq.chaos.duration=PT10M} (or {@code LLMQ_CHAOS_DURATION}) keeps
 * breaking things in random order for that long: the soak.
 */
class ChaosIT {

    private static final int MAX_ATTEMPTS = 3;
    private static final Duration RECLAIM_AFTER = Duration.ofSeconds(2);

    @RegisterExtension
    static RedisServerExtension server = RedisServerExtension.withAppendOnlyFile();

    private static Cluster cluster;
    private static final List<Cluster.Api> apis = new ArrayList<>();
    private static final List<ServiceProcess> workers = new ArrayList<>();
    private static final Map<ServiceProcess, String> consumers = new ConcurrentHashMap<>();
    private static final AtomicInteger workersStarted = new AtomicInteger();

    @BeforeAll
    static void start() {
        server.redis().assumeRestartable();
        cluster = new Cluster(server.redis());
        CompletableFuture<Cluster.Api> a = CompletableFuture.supplyAsync(cluster::startApi);
        CompletableFuture<Cluster.Api> b = CompletableFuture.supplyAsync(cluster::startApi);
        cluster.startSimulator(
                Duration.ofMillis(200),
                "--llmq.simulator.per-token-delay=20ms",
                "--llmq.simulator.request-log.capacity=1000000");
        addRunWideFault("502", 0.04, 1);
        addRunWideFault("reset", 0.02, 2);
        List<CompletableFuture<ServiceProcess>> started = List.of(
                CompletableFuture.supplyAsync(ChaosIT::startWorker),
                CompletableFuture.supplyAsync(ChaosIT::startWorker));
        started.forEach(worker -> workers.add(worker.join()));
        apis.add(a.join());
        apis.add(b.join());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcceptedQueryEndsOnceThroughKillsOfWorkersApisAndRedisAndAZombieWorker() {
        Duration soak = soakDuration();
        Random random = new Random(7);
        ChaosLoad.Settings settings = ChaosLoad.Settings.steady(10);
        long started = System.nanoTime();
        ChaosSummary summary;
        ServiceProcess zombie;
        try (ChaosRun run = ChaosRun.start(cluster, server.redis(), urls(), settings, MAX_ATTEMPTS)) {
            ChaosFaults faults = run.faults();
            pause();
            killRandomWorker(faults, random);
            pause();
            int api = random.nextInt(apis.size());
            apis.set(api, faults.killApi(apis.get(api), Duration.ofSeconds(1)));
            pause();
            zombie = freezeRandomWorker(faults, random);
            pause();
            faults.killRedis(server.redis(), Duration.ofSeconds(1));
            pause();
            Instant soakEnds = Instant.now().plus(soak);
            while (Instant.now().isBefore(soakEnds)) {
                switch (random.nextInt(4)) {
                    case 0 -> killRandomWorker(faults, random);
                    case 1 -> {
                        int which = random.nextInt(apis.size());
                        apis.set(which, faults.killApi(apis.get(which), Duration.ofSeconds(1)));
                    }
                    case 2 -> freezeRandomWorker(faults, random);
                    default -> faults.killRedis(server.redis(), Duration.ofSeconds(1));
                }
                pause();
            }
            summary = run.finish(Duration.ofSeconds(90));
            System.out.printf(
                    "chaos: %d s of load and draining; %d submissions refused or failed, %d skipped%n",
                    (System.nanoTime() - started) / 1_000_000_000L,
                    run.load().refused(),
                    run.load().skipped());
        }

        assertThat(summary.violations()).as(summary.line()).isEmpty();
        assertThat(summary.accepted()).as("queries accepted under load").isGreaterThan(100);
        assertThat(summary.waiters()).as("clients that waited").isGreaterThan(20);
        assertThat(zombie.output())
                .as("the zombie finished queries others had answered meanwhile, and its late results were discarded")
                .contains("an earlier outcome stands");
    }

    private static ServiceProcess startWorker() {
        String consumer = "chaos-worker-" + workersStarted.incrementAndGet();
        ServiceProcess worker = cluster.startWorker(
                "--llmq.worker.consumer-name=" + consumer,
                "--llmq.worker.max-attempts=" + MAX_ATTEMPTS,
                "--llmq.worker.reclaim-after=" + RECLAIM_AFTER.toMillis() + "ms",
                "--llmq.worker.reap-interval=500ms",
                "--llmq.worker.retry-initial-delay=200ms",
                "--llmq.worker.retry-max-delay=1s",
                "--llmq.worker.retry-after-max=2s",
                "--llmq.worker.max-in-flight=64");
        consumers.put(worker, consumer);
        return worker;
    }

    private static void killRandomWorker(ChaosFaults faults, Random random) {
        int which = random.nextInt(workers.size());
        workers.set(which, faults.killWorker(workers.get(which), ChaosIT::startWorker));
    }

    /** Freezes a worker holding a few queries for well past the reclaim time, then lets it go on; returns it. */
    private static ServiceProcess freezeRandomWorker(ChaosFaults faults, Random random) {
        ServiceProcess zombie = workers.get(random.nextInt(workers.size()));
        String consumer = consumers.get(zombie);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> entriesHeldBy(consumer) >= 3);
        faults.zombie(zombie, RECLAIM_AFTER.multipliedBy(4));
        return zombie;
    }

    private static int entriesHeldBy(String consumer) {
        List<?> pending = (List<?>) server.redis()
                .call("XPENDING", RedisKeys.QUERY_STREAM, RedisKeys.WORKER_GROUP, "-", "+", "10", consumer);
        return pending.size();
    }

    private static void addRunWideFault(String fault, double probability, long seed) {
        var response = cluster.controlSimulator(
                "POST",
                "/simulator/faults",
                "{\"fault\":\"" + fault + "\",\"probability\":" + probability + ",\"seed\":" + seed + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static List<String> urls() {
        return apis.stream().map(Cluster.Api::url).toList();
    }

    private static Duration soakDuration() {
        String configured = System.getProperty("llmq.chaos.duration", System.getenv("LLMQ_CHAOS_DURATION"));
        return configured == null || configured.isBlank() ? Duration.ZERO : Duration.parse(configured);
    }

    private static void pause() {
        ChaosFaults.hold(Duration.ofSeconds(3));
    }
}
