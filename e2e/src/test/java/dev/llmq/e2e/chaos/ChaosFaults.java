package dev.llmq.e2e.chaos;

import dev.llmq.e2e.Cluster;
import dev.llmq.e2e.SimulatorLog;
import dev.llmq.shared.testing.ServiceProcess;
import dev.llmq.shared.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The faults of a chaos run, each recorded on the {@link ChaosTimeline} with what it may excuse: LLM calls cut off
 * by a dead or frozen worker may be repeated (one more call each), and a kill -9 of Redis opens a durability gap.
 */
public final class ChaosFaults {

    /**
     * How much before a kill -9 of Redis acknowledged writes may still be lost: with {@code appendfsync everysec}
     * Redis writes its append-only file before it answers, except while a background fsync is slow, when it may
     * postpone the write for up to 2 seconds; half a second more for the clocks of the client and the test.
     */
    public static final Duration REDIS_WRITE_POSTPONEMENT = Duration.ofMillis(2_500);

    private final Cluster cluster;
    private final ChaosTimeline timeline;

    public ChaosFaults(Cluster cluster, ChaosTimeline timeline) {
        this.cluster = cluster;
        this.timeline = timeline;
    }

    /** kill -9 of a worker, then a fresh one from {@code restart}; returns the new worker. */
    public ServiceProcess killWorker(ServiceProcess worker, Supplier<ServiceProcess> restart) {
        long start = System.currentTimeMillis();
        excuseCallsInFlight();
        worker.kill();
        excuseCallsCutSince(start);
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
    public void killRedis(TestRedis redis, Duration down) {
        long start = System.currentTimeMillis();
        excuseCallsInFlight();
        redis.kill();
        hold(down);
        redis.restart();
        timeline.durabilityGap(start - REDIS_WRITE_POSTPONEMENT.toMillis(), System.currentTimeMillis());
        timeline.record("kill-redis", redis.toString(), start);
    }

    /**
     * SIGSTOP of a worker for {@code frozen} (longer than its reclaim time, so that other workers claim what it holds),
     * then SIGCONT: the zombie wakes up and finishes calls whose queries others answered meanwhile.
     */
    public void zombie(ServiceProcess worker, Duration frozen) {
        long start = System.currentTimeMillis();
        excuseCallsInFlight();
        worker.suspend();
        excuseCallsCutSince(start);
        hold(frozen);
        long resumed = System.currentTimeMillis();
        worker.resume();
        // calls the zombie had begun but not yet sent when it froze reach the simulator just after it wakes
        hold(Duration.ofSeconds(1));
        excuse(call -> call.arrivedAtMillis() >= resumed);
        timeline.record("zombie-worker", worker.toString(), start);
    }

    /** Excuses every call the simulator is answering now: its caller is about to die or freeze. */
    public void excuseCallsInFlight() {
        excuse(call -> !call.completed());
    }

    /** Excuses every call that arrived since {@code sinceMillis} and is still open or was cut off, after a fault. */
    public void excuseCallsCutSince(long sinceMillis) {
        excuse(call -> call.arrivedAtMillis() >= sinceMillis && (!call.completed() || call.clientDisconnected()));
    }

    private void excuse(java.util.function.Predicate<SimulatorLog.Call> cutOff) {
        for (SimulatorLog.Call call : SimulatorLog.read(cluster).calls()) {
            int index = ChaosLoad.indexOf(call.prompt());
            if (index >= 0 && cutOff.test(call)) {
                timeline.excuseCall(call.sequence(), index);
            }
        }
    }

    /** The LLM calls the simulator received, by load index. */
    public Map<Integer, Integer> llmCalls() {
        Map<Integer, Integer> calls = new java.util.HashMap<>();
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
