package dev.llmq.e2e.chaos;

import dev.llmq.e2e.Cluster;
import dev.llmq.e2e.SimulatorLog;
import java.util.function.Predicate;

/** Excuses LLM calls a fault may repeat, read from the simulator's request log, on a run's {@link ChaosTimeline}. */
final class CallExcuses {

    private CallExcuses() {}

    /** Excuses every call of a load query that {@code affected} picks, one repeat each. */
    static void excuse(Cluster cluster, ChaosTimeline timeline, Predicate<SimulatorLog.Call> affected) {
        for (SimulatorLog.Call call : SimulatorLog.read(cluster).calls()) {
            int index = ChaosLoad.indexOf(call.prompt());
            if (index >= 0 && affected.test(call)) {
                timeline.excuseCall(call.sequence(), index);
            }
        }
    }

    /** Calls the simulator is answering now. */
    static Predicate<SimulatorLog.Call> inFlight() {
        return call -> !call.completed();
    }

    /** Calls that arrived between the two epoch milliseconds, inclusive. */
    static Predicate<SimulatorLog.Call> arrivedBetween(long fromMillis, long untilMillis) {
        return call -> call.arrivedAtMillis() >= fromMillis && call.arrivedAtMillis() <= untilMillis;
    }
}
