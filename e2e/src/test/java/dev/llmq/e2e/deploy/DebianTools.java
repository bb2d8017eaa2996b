package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the command-line tools the deploy/ tests need from Debian's packages on {@code PATH}: without them a test
 * skips locally and fails in CI ({@code CI=true}), where {@code .ci/run} installs them.
 */
final class DebianTools {

    private DebianTools() {}

    /** The executable {@code command} from {@code package}, or the test skips (fails when {@code CI=true}). */
    static Path require(String command, String debianPackage) {
        Optional<Path> found = onPath(command);
        if (found.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(command + " is required in CI (Debian package " + debianPackage + "; .ci/run installs it)");
        }
        assumeTrue(found.isPresent(), command + " is not installed (apt-get install " + debianPackage + ")");
        return found.orElseThrow();
    }

    private static Optional<Path> onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
