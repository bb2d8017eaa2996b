package dev.llmq.e2e.deploy;

import static org.assertj.core.api.Assertions.fail;

import dev.llmq.e2e.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An image as {@code jib:buildTar} writes it (docker save's layout), unpacked: its tags, its config, its layers. */
final class ImageTarball {

    private final Path directory;
    private final JsonNode manifest;
    private final JsonNode config;

    private ImageTarball(Path directory, JsonNode manifest, JsonNode config) {
        this.directory = directory;
        this.manifest = manifest;
        this.config = config;
    }

    /** Unpacks {@code tarball} into {@code directory} (emptied first) and reads its manifest and config. */
    static ImageTarball open(Path tarball, Path directory) {
        try {
            LocalBaseImage.delete(directory);
            Files.createDirectories(directory);
            Tools.run(
                            List.of("tar", "-xf", tarball.toString(), "-C", directory.toString()),
                            directory,
                            Duration.ofMinutes(1))
                    .requireSuccess();
            JsonMapper json = JsonMapper.builder().build();
            JsonNode manifest =
                    json.readTree(directory.resolve("manifest.json").toFile()).get(0);
            JsonNode config = json.readTree(
                    directory.resolve(manifest.get("Config").asString()).toFile());
            return new ImageTarball(directory, manifest, config);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    List<String> repoTags() {
        return strings(manifest.path("RepoTags"));
    }

    List<String> entrypoint() {
        return strings(containerConfig().path("Entrypoint"));
    }

    List<String> cmd() {
        return strings(containerConfig().path("Cmd"));
    }

    String user() {
        return containerConfig().path("User").asString("");
    }

    String workingDir() {
        return containerConfig().path("WorkingDir").asString("");
    }

    TreeSet<String> exposedPorts() {
        return new TreeSet<>(containerConfig().path("ExposedPorts").propertyNames());
    }

    /** The environment in order ({@code KEY=value} entries of the config). */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : strings(containerConfig().path("Env"))) {
            int equals = entry.indexOf('=');
            env.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
        return env;
    }

    Map<String, String> labels() {
        Map<String, String> labels = new TreeMap<>();
        containerConfig()
                .path("Labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        return labels;
    }

    /**
     * Unpacks the layers in order into {@code rootfs}, as a container runtime lays them out. Our images delete
     * nothing, so a whiteout entry ({@code .wh.}) fails rather than being half-applied.
     */
    void unpackLayers(Path rootfs) {
        try {
            LocalBaseImage.delete(rootfs);
            Files.createDirectories(rootfs);
            for (JsonNode layer : manifest.path("Layers")) {
                Path file = directory.resolve(layer.asString());
                String listing = Tools.run(
                                List.of("tar", "--warning=no-unknown-keyword", "-tf", file.toString()),
                                directory,
                                Duration.ofMinutes(1))
                        .requireSuccess();
                if (listing.contains(".wh.")) {
                    fail("layer " + layer.asString() + " holds whiteouts, which this test does not apply");
                }
                Tools.run(
                                List.of(
                                        "tar",
                                        "--warning=no-unknown-keyword",
                                        "--numeric-owner",
                                        "-xpf",
                                        file.toString(),
                                        "-C",
                                        rootfs.toString()),
                                directory,
                                Duration.ofMinutes(2))
                        .requireSuccess();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private JsonNode containerConfig() {
        return config.path("config");
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        for (JsonNode node : array) {
            strings.add(node.asString());
        }
        return strings;
    }
}
