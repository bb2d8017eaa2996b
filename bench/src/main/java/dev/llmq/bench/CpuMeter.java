package dev.llmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * CPU time used by named processes between two readings, from {@code /proc/<pid>/stat} (user + system time, in clock
 * ticks of 10 ms): what each process of a deployment spends per query, a figure that holds even when other work shares
 * the machine, unlike throughput.
 */
final class CpuMeter {

    private static final double MILLIS_PER_TICK = 10.0;

    private final Map<String, Long> pids;
    private final Map<String, Long> start;
    private final Map<String, Long> compilerStart;

    private CpuMeter(Map<String, Long> pids) {
        this.pids = pids;
        this.start = ticks(pids);
        this.compilerStart = compilerTicks(pids);
    }

    /** Starts measuring the processes named in {@code pids}. */
    static CpuMeter start(Map<String, Long> pids) {
        return new CpuMeter(new LinkedHashMap<>(pids));
    }

    /** Milliseconds of CPU each process used since the start, divided by {@code queries}, plus their sum as "all". */
    Map<String, Double> millisPer(long queries) {
        Map<String, Long> now = ticks(pids);
        Map<String, Double> perQuery = new LinkedHashMap<>();
        double all = 0;
        for (Map.Entry<String, Long> process : start.entrySet()) {
            double millis = (now.getOrDefault(process.getKey(), process.getValue()) - process.getValue())
                    * MILLIS_PER_TICK
                    / Math.max(1, queries);
            perQuery.put(process.getKey(), Math.round(millis * 100) / 100.0);
            all += millis;
        }
        perQuery.put("all", Math.round(all * 100) / 100.0);
        return perQuery;
    }

    /**
     * The share of the CPU time the JVMs among the processes used since the start that went to their JIT compiler
     * threads (0 to 1): work a JVM does until its hot code is compiled, not per query. Processes without compiler
     * threads (Redis) do not count.
     */
    double compilerShare() {
        long used = 0;
        long compiling = 0;
        for (long[] jvm : compilerUse().values()) {
            used += jvm[0];
            compiling += jvm[1];
        }
        return share(compiling, used);
    }

    /** As {@link #compilerShare()}, for each JVM among the processes on its own. */
    Map<String, Double> compilerShares() {
        Map<String, Double> shares = new LinkedHashMap<>();
        compilerUse().forEach((name, jvm) -> shares.put(name, share(jvm[1], jvm[0])));
        return shares;
    }

    /** Each JVM's ticks since the start: all its threads', then its compiler threads'. */
    private Map<String, long[]> compilerUse() {
        Map<String, Long> now = ticks(pids);
        Map<String, Long> compilerNow = compilerTicks(pids);
        Map<String, long[]> use = new LinkedHashMap<>();
        compilerStart.forEach((name, compilerThen) -> {
            if (compilerNow.containsKey(name) && now.containsKey(name) && start.containsKey(name)) {
                use.put(name, new long[] {now.get(name) - start.get(name), compilerNow.get(name) - compilerThen});
            }
        });
        return use;
    }

    private static double share(long compiling, long used) {
        return used == 0 ? 0 : Math.round(1000.0 * compiling / used) / 1000.0;
    }

    private static Map<String, Long> compilerTicks(Map<String, Long> pids) {
        return each(pids, CpuMeter::compilerTicksOf);
    }

    /**
     * utime + stime of a JVM's JIT compiler threads (named "C1 CompilerThread<n>" and "C2 CompilerThread<n>", which
     * Linux cuts to 15 characters), or null for a process with none.
     */
    static Long compilerTicksOf(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long ticks = 0;
        boolean found = false;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String name;
                try {
                    name = Files.readString(thread.resolve("comm")).strip();
                } catch (IOException ex) {
                    continue; // ended meanwhile
                }
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    Long used = ticksIn(thread.resolve("stat"));
                    if (used != null) {
                        ticks += used;
                        found = true;
                    }
                }
            }
        } catch (IOException | RuntimeException ex) {
            return null;
        }
        return found ? ticks : null;
    }

    private static Map<String, Long> ticks(Map<String, Long> pids) {
        return each(pids, CpuMeter::ticksOf);
    }

    /** {@code reading} of each process, by name; a process it has no figure for (null) is left out. */
    private static Map<String, Long> each(Map<String, Long> pids, LongFunction<Long> reading) {
        Map<String, Long> figures = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Long figure = reading.apply(pid);
            if (figure != null) {
                figures.put(name, figure);
            }
        });
        return figures;
    }

    /** utime + stime of a process, or null when it is gone (or this is not Linux). */
    static Long ticksOf(long pid) {
        return ticksIn(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** utime + stime from a process's or a thread's {@code stat} file, or null when it is gone. */
    private static Long ticksIn(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }
}
