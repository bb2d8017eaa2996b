package dev.llmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time used by named processes between two readings, from {@code /proc/<pid>/stat} (user + system time, in clock
 * ticks of 10 ms): what each process of a deployment spends per query, a figure that holds even when other work shares
 * the machine, unlike throughput.
 */
final class CpuMeter {

    private static final double MILLIS_PER_TICK = 10.0;

    private final Map<String, Long> pids;
    private final Map<String, Long> start;

    private CpuMeter(Map<String, Long> pids) {
        this.pids = pids;
        this.start = ticks(pids);
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

    private static Map<String, Long> ticks(Map<String, Long> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Long used = ticksOf(pid);
            if (used != null) {
                ticks.put(name, used);
            }
        });
        return ticks;
    }

    /** utime + stime of a process, or null when it is gone (or this is not Linux). */
    static Long ticksOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }
}
