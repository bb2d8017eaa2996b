package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.fail;

import dev.llmq.e2e.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JRE base image made on this machine, standing in for {@code eclipse-temurin:25-jre-noble} where no registry can
 * be reached: a docker-save tarball with one layer holding a jlink'ed runtime of the JDK running the tests at the same
 * place as Temurin's images ({@code /opt/java/openjdk}, on the {@code PATH}), the glibc libraries it links against,
 * and a world-writable {@code /tmp}. Built once per build directory (about 20 s) and reused.
 */
final class LocalBaseImage {

    /** What Spring Boot apps need from the JDK (java.desktop for java.beans); the real JRE has every module. */
    private static final String MODULES = "java.se,jdk.unsupported,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.jfr";

    static final String JAVA_HOME = "/opt/java/openjdk";

    private LocalBaseImage() {}

    /** The base image tarball under {@code directory}, built first if missing; use as {@code tar://<path>}. */
    static Path build(Path directory) {
        Path tarball = directory.resolve("jre-base.tar").toAbsolutePath();
        if (Files.exists(tarball)) {
            return tarball;
        }
        try {
            Files.createDirectories(directory);
            Path work = directory.resolve("work").toAbsolutePath();
            delete(work);
            Path rootfs = work.resolve("rootfs");
            jlink(rootfs.resolve(JAVA_HOME.substring(1)));
            copyLinkedLibraries(rootfs);
            Files.createDirectories(rootfs.resolve("etc"));
            Files.createDirectories(rootfs.resolve("tmp"));
            Tools.run(List.of("chmod", "1777", rootfs.resolve("tmp").toString()), work, Duration.ofSeconds(10))
                    .requireSuccess();
            Path image = work.resolve("image");
            Files.createDirectories(image);
            writeDockerSaveTarball(rootfs, image, work.resolve("jre-base.tar"));
            Files.move(work.resolve("jre-base.tar"), tarball, StandardCopyOption.ATOMIC_MOVE);
            delete(work);
            return tarball;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void jlink(Path runtime) throws IOException {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (!Files.isExecutable(jlink)) {
            fail("the image tests need a JDK with jlink to make their base image; the tests run on "
                    + System.getProperty("java.home"));
        }
        Files.createDirectories(runtime.getParent());
        Tools.run(
                        List.of(
                                jlink.toString(),
                                "--add-modules",
                                MODULES,
                                "--strip-debug",
                                "--no-man-pages",
                                "--no-header-files",
                                "--output",
                                runtime.toString()),
                        runtime.getParent(),
                        Duration.ofMinutes(3))
                .requireSuccess();
    }

    /** Copies every shared library the runtime's binaries link against (as ldd resolves them) to the same path. */
    private static void copyLinkedLibraries(Path rootfs) throws IOException {
        Path runtime = rootfs.resolve(JAVA_HOME.substring(1));
        List<String> command =
                new ArrayList<>(List.of("ldd", runtime.resolve("bin/java").toString()));
        try (Stream<Path> files = Files.walk(runtime.resolve("lib"))) {
            files.filter(file -> file.toString().endsWith(".so"))
                    .map(Path::toString)
                    .forEach(command::add);
        }
        String ldd = Tools.run(command, rootfs, Duration.ofMinutes(1)).stdout();
        TreeSet<String> libraries = new TreeSet<>();
        for (String line : ldd.lines().map(String::strip).toList()) {
            int arrow = line.indexOf("=> /");
            if (arrow >= 0) {
                libraries.add(line.substring(arrow + 3, line.lastIndexOf(" (")));
            } else if (line.startsWith("/") && line.contains(" (0x")) {
                libraries.add(line.substring(0, line.indexOf(" (")));
            }
        }
        if (libraries.stream().noneMatch(library -> library.contains("libc.so"))) {
            fail("ldd found no libc for the runtime:\n" + ldd);
        }
        for (String library : libraries) {
            if (Path.of(library).normalize().startsWith(rootfs)) {
                continue;
            }
            Path target = rootfs.resolve(library.substring(1));
            Files.createDirectories(target.getParent());
            Files.copy(Path.of(library), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** docker save's layout: {@code manifest.json}, the config named by its digest, and the layer as a plain tar. */
    private static void writeDockerSaveTarball(Path rootfs, Path image, Path tarball) throws IOException {
        Path layer = image.resolve("layer.tar");
        Tools.run(
                        List.of(
                                "tar",
                                "--numeric-owner",
                                "--owner=0",
                                "--group=0",
                                "--sort=name",
                                "--mtime=@0",
                                "-cf",
                                layer.toString(),
                                "-C",
                                rootfs.toString(),
                                "."),
                        image,
                        Duration.ofMinutes(2))
                .requireSuccess();
        String diffId = sha256(layer);
        Path layerDir = image.resolve(diffId);
        Files.createDirectories(layerDir);
        Files.move(layer, layerDir.resolve("layer.tar"));
        JsonMapper json = JsonMapper.builder().build();
        byte[] config = json.writeValueAsBytes(Map.of(
                "architecture",
                "amd64",
                "os",
                "linux",
                "config",
                Map.of(
                        "Env",
                        List.of(
                                "PATH=" + JAVA_HOME
                                        + "/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                "JAVA_HOME=" + JAVA_HOME,
                                "LANG=C.UTF-8"),
                        "Cmd",
                        List.of("java", "-version")),
                "rootfs",
                Map.of("type", "layers", "diff_ids", List.of("sha256:" + diffId)),
                "history",
                List.of(Map.of("created", "1970-01-01T00:00:00Z", "created_by", "llmq tests: jlink " + MODULES))));
        String configName = HexFormat.of().formatHex(digest(config)) + ".json";
        Files.write(image.resolve(configName), config);
        Files.write(
                image.resolve("manifest.json"),
                json.writeValueAsBytes(List.of(Map.of(
                        "Config",
                        configName,
                        "RepoTags",
                        List.of("llmq-test/jre-base:local"),
                        "Layers",
                        List.of(diffId + "/layer.tar")))));
        Tools.run(
                        List.of(
                                "tar",
                                "-cf",
                                tarball.toString(),
                                "-C",
                                image.toString(),
                                "manifest.json",
                                configName,
                                diffId + "/layer.tar"),
                        image,
                        Duration.ofMinutes(2))
                .requireSuccess();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                sha.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] digest(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    static void delete(Path directory) throws IOException {
        if (Files.exists(directory)) {
            Tools.run(List.of("rm", "-rf", directory.toString()), directory.getParent(), Duration.ofMinutes(1))
                    .requireSuccess();
        }
    }
}
