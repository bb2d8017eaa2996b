package dev.llmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the benchmark runs: the repository (for the built jars), its logs, scratch directories and results. */
record Workspace(Path root, Path target, String java) {

    static Workspace find() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bench/pom.xml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run the benchmarks from the llmq repository (bench/run)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        return new Workspace(dir, dir.resolve("bench/target"), java);
    }

    Path jar(String module) {
        Path jar = root.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: bench/run builds it");
        }
        return jar;
    }

    Path logs() {
        return target.resolve("logs");
    }

    Path results() {
        return target.resolve("results");
    }

    Path scratch(String name) {
        try {
            return Files.createDirectories(target.resolve("scratch").resolve(name));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
