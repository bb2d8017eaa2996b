package dev.llmq.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a JVM's used heap (young + old generation, from {@code jstat -gc}) every half second and keeps the highest
 * value seen: what that process needed at its worst moment, garbage included. One {@code jstat} process prints a line
 * per sample ({@code jstat -gc <pid> 500}): starting a {@code jstat} JVM per sample cost half a core.
 */
final class HeapSampler implements AutoCloseable {

    private final Process jstat;
    private final AtomicLong peakKilobytes = new AtomicLong();
    private final Thread thread;

    HeapSampler(Workspace workspace, long pid) throws IOException {
        String command = Path.of(workspace.java()).resolveSibling("jstat").toString();
        this.jstat = new ProcessBuilder(command, "-gc", String.valueOf(pid), "500")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        this.thread = Thread.ofPlatform().daemon().name("heap-sampler-" + pid).start(this::sample);
    }

    private void sample() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            String[] names = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 0 && fields[0].equals("S0C")) {
                    names = fields;
                } else if (names != null && fields.length == names.length) {
                    peakKilobytes.accumulateAndGet(usedKilobytes(names, fields), Math::max);
                }
            }
        } catch (IOException | RuntimeException ex) {
            // the process ended or jstat stopped: the peak so far stands
        }
    }

    /**
     * Used heap in one line of {@code jstat -gc}: S0U + S1U + EU + OU, in kilobytes. A collector without some of these
     * spaces prints {@code -} for them (ZGC has no survivor spaces): nothing used there.
     */
    private static long usedKilobytes(String[] names, String[] values) {
        double used = 0;
        for (int i = 0; i < names.length; i++) {
            if ((names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU"))
                    && !values[i].equals("-")) {
                used += Double.parseDouble(values[i]);
            }
        }
        return (long) used;
    }

    /**
     * The live heap of a JVM now: used heap right after a full collection ({@code jcmd <pid> GC.run}, then one line of
     * {@code jstat -gc}). The difference between two such figures is what the work in between holds on to.
     */
    static double liveMegabytes(Workspace workspace, long pid) throws IOException, InterruptedException {
        Path bin = Path.of(workspace.java()).getParent();
        run(List.of(bin.resolve("jcmd").toString(), String.valueOf(pid), "GC.run"));
        String[] lines = run(List.of(bin.resolve("jstat").toString(), "-gc", String.valueOf(pid)))
                .strip()
                .split("\n");
        if (lines.length < 2) {
            throw new IOException("jstat printed " + String.join("\n", lines));
        }
        return usedKilobytes(lines[0].trim().split("\\s+"), lines[1].trim().split("\\s+")) / 1024.0;
    }

    /**
     * Writes the process's class histogram (live objects only, after a full GC) to {@code file}: which classes hold
     * the heap, to read beside a live-heap figure.
     */
    static void classHistogram(Workspace workspace, long pid, Path file) throws IOException, InterruptedException {
        Path bin = Path.of(workspace.java()).getParent();
        Files.createDirectories(file.getParent());
        Files.writeString(
                file, run(List.of(bin.resolve("jcmd").toString(), String.valueOf(pid), "GC.class_histogram")));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    double peakMegabytes() {
        return peakKilobytes.get() / 1024.0;
    }

    @Override
    public void close() {
        jstat.destroy();
        thread.interrupt();
    }
}
