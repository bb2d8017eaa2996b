package dev.llmq.e2e.deploy;

import dev.llmq.e2e.Tools;
import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the three images with the shipped Jib configuration, as {@code ./mvnw -pl ... jib:buildTar} with only the base
 * image overridden ({@code -Djib.from.image=tar://...}), from the classes this build compiled. A nested Maven run
 * selecting only the image modules would take {@code dev.llmq:shared} from the local repository, maybe a stale jar of
 * an earlier {@code install}; so it gets a private local repository holding this build's {@code shared} jar and parent
 * POM in front of the usual one ({@code maven.repo.local.tail}). About 15 s for all three.
 */
final class ImageBuild {

    private ImageBuild() {}

    /** Builds every image; returns each module's image tarball ({@code <module>/target/jib-image.tar}). */
    static Map<String, Path> buildTarballs(Path baseImage, List<String> modules) {
        Path root = ServiceProcess.repositoryRoot();
        Path work = Path.of("target", "image-build").toAbsolutePath();
        String version = requiredProperty("llmq.version");
        Path repository = privateRepository(root, work.resolve("repository"), version);
        List<String> command = List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-nsu",
                "-pl",
                String.join(",", modules),
                "jib:buildTar",
                "-Djib.from.image=tar://" + baseImage.toAbsolutePath(),
                "-Djib.disableUpdateChecks=true",
                "-Djib.baseImageCache=" + work.resolve("jib-base-cache"),
                "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + requiredProperty("llmq.local-repository"));
        Tools.run(command, root, Duration.ofMinutes(5)).requireSuccess();
        Map<String, Path> tarballs = new LinkedHashMap<>();
        for (String module : modules) {
            tarballs.put(module, root.resolve(module).resolve("target").resolve("jib-image.tar"));
        }
        return tarballs;
    }

    private static Path privateRepository(Path root, Path repository, String version) {
        try {
            LocalBaseImage.delete(repository.resolve("dev/llmq"));
            install(root.resolve("pom.xml"), repository, "llmq-parent", version, "pom");
            install(root.resolve("shared/pom.xml"), repository, "shared", version, "pom");
            install(root.resolve("shared/target/shared-" + version + ".jar"), repository, "shared", version, "jar");
            return repository;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void install(Path file, Path repository, String artifact, String version, String extension)
            throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: build the project first (./mvnw verify does)");
        }
        Path directory = repository.resolve("dev/llmq").resolve(artifact).resolve(version);
        Files.createDirectories(directory);
        Files.copy(
                file,
                directory.resolve(artifact + "-" + version + "." + extension),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    "system property " + name + " is not set (the e2e pom's failsafe passes it)");
        }
        return value;
    }
}
