package dev.llmq.e2e.chaos;

import dev.llmq.e2e.Cluster;
import dev.llmq.e2e.SimulatorLog;
import dev.llmq.shared.testing.RedisDeployment;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.shared.testing.TestRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The faults of a chaos run, each recorded on the {@link ChaosTimeline} with what it may excuse: a query in progress
 * when a worker dies or freezes, or Redis goes away, may be called once more (its attempt may have been made but not
 * recorded), and a kill -9 of Redis opens a durability gap.
 */
public final class ChaosFaults {

    /**
     * How much before a kill -9 of Redis acknowledged writes may still be lost: with {@code appendfsync everysec}
     * Redis writes its append-only file before it answers, except while a background fsync is slow, when it may
     * postpone the write for up to 2 seconds; half a second more for the clocks of the client and the test.
     */
    public static final Duration REDIS_WRITE_POSTPONEMENT = Duration.ofMillis(2_500);

    private final Cluster cluster;
    private final RedisDeployment redis;
    private final ChaosTimeline timeline;

    public ChaosFaults(Cluster cluster, RedisDeployment redis, ChaosTimeline timeline) {
        this.cluster = cluster;
        this.redis = redis;
        this.timeline = timeline;
    }

    /** kill -9 of a worker, then a fresh one from {@code restart}; returns the new worker. */
    public ServiceProcess killWorker(ServiceProcess worker, Supplier<ServiceProcess> restart) {
        long start = System.currentTimeMillis();
        Set<Long> inProgress = RedisAudit.inProgress(redis);
        worker.kill();
        inProgress.addAll(RedisAudit.inProgress(redis));
        timeline.excuseQueries(inProgress);
        ServiceProcess restarted = restart.get();
        timeline.record("kill-worker", worker.toString(), start);
        return restarted;
    }

    /** kill -9 of an api replica, then the replica again on its port after {@code down}; returns it. */
    public Cluster.Api killApi(Cluster.Api api, Duration down) {
        long start = System.currentTimeMillis();
        api.process().kill();
        hold(down);
        Cluster.Api restarted = cluster.restartApi(api);
        timeline.record("kill-api", api.process().toString(), start);
        return restarted;
    }

    /**
     * kill -9 of redis-server, then a restart on its port and folder (replaying its append-only file) after {@code
     * down}. Opens a durability gap from {@link #REDIS_WRITE_POSTPONEMENT} before the kill until Redis answers again.
     */
    public void killRedis(TestRedis server, Duration down) {
        long start = System.currentTimeMillis();
        Set<Long> inProgress = RedisAudit.inProgress(redis);
        server.kill();
        hold(down);
        server.restart();
        // and what a worker took between that look and the kill, pending again once the append-only file is replayed
        inProgress.addAll(RedisAudit.inProgress(redis));
        timeline.excuseQueries(inProgress);
        timeline.durabilityGap(start - REDIS_WRITE_POSTPONEMENT.toMillis(), System.currentTimeMillis());
        timeline.record("kill-redis", server.toString(), start);
    }

    /**
     * SIGSTOP of a worker for {@code frozen} (longer than its reclaim time, so that other workers claim what it holds),
     * then SIGCONT: the zombie wakes up and finishes calls whose queries others answered meanwhile.
     */
    public void zombie(ServiceProcess worker, Duration frozen) {
        long start = System.currentTimeMillis();
        worker.suspend();
        excuseQueriesInProgress();
        hold(frozen);
        worker.resume();
        timeline.record("zombie-worker", worker.toString(), start);
    }

    /**
     * Allows every query in progress now (pending in the workers' group) one call more than the maximum attempts:
     * call it just before or after a fault that may cost a worker what it was doing.
     */
    public void excuseQueriesInProgress() {
        timeline.excuseQueries(RedisAudit.inProgress(redis));
    }

    /** The LLM calls the simulator received, by load index. */
    public Map<Integer, Integer> llmCalls() {
        Map<Integer, Integer> calls = new HashMap<>();
        for (SimulatorLog.Call call : SimulatorLog.read(cluster).calls()) {
            int index = ChaosLoad.indexOf(call.prompt());
            if (index >= 0) {
                calls.merge(index, 1, Integer::sum);
            }
        }
        return calls;
    }

    /** Lets a fault last: the run's schedule, not a wait for a condition. */
    public static void hold(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
