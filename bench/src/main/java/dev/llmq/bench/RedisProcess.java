package dev.llmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code redis-server} of the benchmark's own on a free loopback port, configured like this machine's Redis (no
 * persistence) unless asked for AOF; read with {@code redis-cli}.
 */
final class RedisProcess implements AutoCloseable {

    private static final Pattern COMMAND_STAT = Pattern.compile("^cmdstat_([^:]+):calls=(\\d+)", Pattern.MULTILINE);

    private final int port;
    private final Launched process;

    private RedisProcess(int port, Launched process) {
        this.port = port;
        this.process = process;
    }

    static RedisProcess start(Workspace workspace, String name) throws InterruptedException {
        int port = workspace.freePort();
        Path dir = workspace.scratch(name);
        Launched process = Launched.start(
                name,
                workspace.logs(),
                Map.of(),
                List.of(
                        "redis-server",
                        "--port",
                        String.valueOf(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString(),
                        "--maxclients",
                        "10000"));
        return new RedisProcess(port, process.awaitOutput("Ready to accept connections", Duration.ofSeconds(10)));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Calls per command since the last {@code CONFIG RESETSTAT} (commands run by scripts included). */
    Map<String, Long> commandCalls() {
        Map<String, Long> calls = new LinkedHashMap<>();
        Matcher matcher = COMMAND_STAT.matcher(cli("INFO", "commandstats"));
        while (matcher.find()) {
            calls.put(matcher.group(1), Long.parseLong(matcher.group(2)));
        }
        return calls;
    }

    void resetStats() {
        cli("CONFIG", "RESETSTAT");
    }

    /** Entries of the query stream that workers have taken and not yet acknowledged (the group's pending count). */
    long pendingEntries() {
        String[] summary =
                cli("XPENDING", "{llmq}:queries", "llmq-workers").strip().split("\n");
        return summary.length == 0 || summary[0].isBlank() ? 0 : Long.parseLong(summary[0].strip());
    }

    /** The connections Redis holds for clients whose name starts with {@code prefix}. */
    long connectionsNamed(String prefix) {
        return cli("CLIENT", "LIST")
                .lines()
                .filter(line -> line.contains(" name=" + prefix))
                .count();
    }

    String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!cli.waitFor(10, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                throw new IllegalStateException("redis-cli " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() {
        process.close();
    }

    static boolean installed(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }
}
