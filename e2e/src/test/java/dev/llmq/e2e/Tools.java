package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The command-line tools the e2e tests drive (node, docker-compose, Debian's prometheus, tar, ...): a test that needs
 * one skips locally without it and fails in CI ({@code CI=true}), where {@code .ci/run} installs it.
 */
public final class Tools {

    private Tools() {}

    /** Skips (locally) or fails (in CI) unless every command is on the {@code PATH}. */
    public static void require(String why, String... commands) {
        for (String command : commands) {
            if (locate(command).isPresent()) {
                continue;
            }
            if (inCi()) {
                fail(command + " is required in CI " + why + " (.ci/run installs it)");
            }
            assumeTrue(false, command + " is not installed: skipping " + why);
        }
    }

    /** {@code command}'s executable on the {@code PATH}, after {@link #require} has skipped or failed without it. */
    public static Path executable(String why, String command) {
        require(why, command);
        return locate(command).orElseThrow();
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static Optional<Path> locate(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** What a finished command printed, and how it exited. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Fails with the command's output unless it exited 0; returns its standard output. */
        public String requireSuccess() {
            if (exitCode != 0) {
                fail(command + " exited " + exitCode + ":\n" + stdout + stderr);
            }
            return stdout;
        }
    }

    public static Result run(List<String> command, Path directory, Duration timeout) {
        return run(command, directory, Map.of(), timeout);
    }

    /** Runs a command to its end (killing it after {@code timeout}) with extra environment variables. */
    public static Result run(List<String> command, Path directory, Map<String, String> environment, Duration timeout) {
        try {
            Path out = Files.createTempFile("llmq-deploy", ".out");
            Path err = Files.createTempFile("llmq-deploy", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                try {
                    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        fail(command + " did not finish within " + timeout + ":\n" + Files.readString(out)
                                + Files.readString(err));
                    }
                } finally {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
                return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
