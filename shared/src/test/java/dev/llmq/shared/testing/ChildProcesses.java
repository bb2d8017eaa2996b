package dev.llmq.shared.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers every process a test started and kills what is still running when the test JVM exits. */
final class ChildProcesses {

    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> RUNNING.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly)),
                        "kill-test-processes"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private ChildProcesses() {}

    static void register(Process process) {
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
    }
}
