package dev.llmq.e2e.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command to its end and keeps what it printed (standard output and error together). */
final class Commands {

    private Commands() {}

    /** What a finished command printed, and its exit code. */
    record Result(int exitCode, String output) {}

    static Result run(Path directory, Duration timeout, List<String> command) {
        try {
            Path output = Files.createTempFile("llmq-command", ".log");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                process.destroyForcibly();
                if (!finished) {
                    throw new IllegalStateException(
                            command + " did not finish within " + timeout + ":\n" + Files.readString(output));
                }
                return new Result(process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot run " + command, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
