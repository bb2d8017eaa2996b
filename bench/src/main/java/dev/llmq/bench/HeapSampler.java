package dev.llmq.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples a JVM's used heap (young + old generation, from {@code jstat -gc}) every half second and keeps the highest
 * value seen: what that process needed at its worst moment, garbage included.
 */
final class HeapSampler implements AutoCloseable {

    private final String jstat;
    private final long pid;
    private final AtomicLong peakKilobytes = new AtomicLong();
    private final Thread thread;

    HeapSampler(Workspace workspace, long pid) {
        this.jstat = Path.of(workspace.java()).resolveSibling("jstat").toString();
        this.pid = pid;
        this.thread = Thread.ofPlatform().daemon().name("heap-sampler-" + pid).start(this::sample);
    }

    private void sample() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                peakKilobytes.accumulateAndGet(usedKilobytes(), Math::max);
                Thread.sleep(500);
            } catch (InterruptedException ex) {
                return;
            } catch (IOException | RuntimeException ex) {
                return;
            }
        }
    }

    /** Used heap now: S0U + S1U + EU + OU of {@code jstat -gc}, in kilobytes. */
    private long usedKilobytes() throws IOException, InterruptedException {
        Process process = new ProcessBuilder(jstat, "-gc", String.valueOf(pid)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(5, TimeUnit.SECONDS);
        String[] lines = out.strip().split("\n");
        if (lines.length < 2) {
            throw new IOException("jstat printed " + out);
        }
        String[] names = lines[0].trim().split("\\s+");
        String[] values = lines[1].trim().split("\\s+");
        double used = 0;
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU")) {
                used += Double.parseDouble(values[i]);
            }
        }
        return (long) used;
    }

    double peakMegabytes() {
        return peakKilobytes.get() / 1024.0;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
