package dev.llmq.e2e.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an image without a container engine: its layers unpacked into a root filesystem, its entrypoint and cmd
 * started in a chroot (util-linux {@code unshare --root}) with its working directory, environment and user, in fresh
 * mount and PID namespaces so that {@code /proc}, {@code /dev} and every process go away with it. The network is the
 * host's, so the app listens on a port the test chooses through the image's own port variable. Needs root.
 */
final class RootfsContainer implements AutoCloseable {

    private final Process process;
    private final Path log;

    private RootfsContainer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RootfsContainer start(ImageTarball image, Path rootfs, Map<String, String> extraEnv, Path log) {
        try {
            image.unpackLayers(rootfs);
            for (String mountPoint : List.of("proc", "dev", "etc")) {
                Files.createDirectories(rootfs.resolve(mountPoint));
            }
            // what a container runtime provides: name resolution for the host's network
            for (String file : List.of("hosts", "resolv.conf")) {
                if (Files.exists(Path.of("/etc", file))) {
                    Files.copy(
                            Path.of("/etc", file),
                            rootfs.resolve("etc").resolve(file),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String[] user = image.user().split(":");
            Map<String, String> env = new LinkedHashMap<>(image.env());
            env.putAll(extraEnv);
            List<String> command = new ArrayList<>(List.of(
                    "unshare",
                    "--mount",
                    "--pid",
                    "--kill-child",
                    "--",
                    "/bin/sh",
                    "-c",
                    "set -e; mount --rbind /dev \"$0/dev\"; mount -t proc proc \"$0/proc\"; exec \"$@\"",
                    rootfs.toString(),
                    "/usr/bin/env",
                    "-i"));
            env.forEach((key, value) -> command.add(key + "=" + value));
            command.addAll(List.of(
                    "/usr/bin/unshare",
                    "--root=" + rootfs,
                    "--wd=" + image.workingDir(),
                    "--setuid=" + user[0],
                    "--setgid=" + (user.length > 1 ? user[1] : user[0]),
                    "--"));
            command.addAll(image.entrypoint());
            command.addAll(image.cmd());
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            return new RootfsContainer(process, log);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException ex) {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    /** The image's entrypoint process as the host sees it: the deepest descendant running {@code java}. */
    Optional<ProcessHandle> entrypointProcess() {
        return process.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    /** The real, effective, saved and filesystem uids of a process ({@code Uid:} of /proc/PID/status). */
    static List<String> uids(ProcessHandle handle) {
        return statusField(handle, "Uid:");
    }

    static List<String> gids(ProcessHandle handle) {
        return statusField(handle, "Gid:");
    }

    private static List<String> statusField(ProcessHandle handle, String field) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(handle.pid()), "status")).stream()
                    .filter(line -> line.startsWith(field))
                    .findFirst()
                    .map(line -> List.of(line.substring(field.length()).strip().split("\\s+")))
                    .orElseThrow();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Kills the namespace's first process; the kernel then ends every other process in it. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    static Duration startupTimeout() {
        return Duration.ofSeconds(180);
    }
}
