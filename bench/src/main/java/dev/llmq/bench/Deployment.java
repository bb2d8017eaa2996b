package dev.llmq.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * llmq as a benchmark runs it: its own Redis, the simulator, api-service and worker-service replicas, each a separate
 * process started from the built jars with production JIT settings; closed in reverse order.
 */
final class Deployment implements AutoCloseable {

    /** The api-service image's collector (api-service/pom.xml): its heap is mostly parked requests. */
    static final String API_COLLECTOR = "-XX:+UseZGC";

    static final Duration STARTUP = Duration.ofSeconds(90);
    private static final List<String> DIED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Workspace workspace;
    private final String scenario;
    private final RedisProcess redis;
    private final List<Launched> processes = new ArrayList<>();
    private String simulatorUrl = "";

    Deployment(Workspace workspace, String scenario) throws InterruptedException {
        this.workspace = workspace;
        this.scenario = scenario;
        this.redis = RedisProcess.start(workspace, scenario + "-redis");
    }

    RedisProcess redis() {
        return redis;
    }

    /** Starts the simulator with its {@code --llmq.simulator.*} arguments; returns its base URL ({@code .../v1}). */
    String startSimulator(String... args) throws InterruptedException {
        return launchSimulator(args).await();
    }

    /**
     * Launches the simulator without waiting for it; its URL is known at once, so a worker can be launched beside
     * it: services launched together start in parallel (a JVM's start-up is mostly one thread, this machine has two).
     */
    Starting<String> launchSimulator(String... args) {
        int port = workspace.freePort();
        List<String> all = new ArrayList<>(List.of("--server.port=" + port));
        all.addAll(List.of(args));
        Launched simulator = launch("llm-simulator", List.of("-Xmx1g"), Map.of(), all);
        simulatorUrl = "http://127.0.0.1:" + port + "/v1";
        return new Starting<>(simulator, "Started LlmSimulatorApplication", simulatorUrl);
    }

    /** Starts an api-service; returns its base URL. */
    String startApi(Map<String, String> environment, String... args) throws InterruptedException {
        return launchApi(List.of("-Xmx1g"), environment, args).await().url();
    }

    /** Starts an api-service with these JVM options. */
    StartedApi startApi(List<String> jvm, Map<String, String> environment, String... args) throws InterruptedException {
        return launchApi(jvm, environment, args).await();
    }

    /**
     * Launches an api-service without waiting for it, with the collector its container image runs (generational ZGC),
     * in training and in every scenario alike.
     */
    Starting<StartedApi> launchApi(List<String> jvm, Map<String, String> environment, String... args) {
        int port = workspace.freePort();
        Map<String, String> env = new HashMap<>(environment);
        env.put("REDIS_URL", redis.url());
        List<String> all = new ArrayList<>(List.of("--server.port=" + port));
        all.addAll(List.of(args));
        List<String> options = new ArrayList<>(List.of(API_COLLECTOR));
        options.addAll(jvm);
        Launched api = launch("api-service", options, env, all);
        return new Starting<>(api, "Started ApiServiceApplication", new StartedApi("http://127.0.0.1:" + port, api));
    }

    /** An api-service of this deployment: its base URL and its process. */
    record StartedApi(String url, Launched process) {}

    /** Starts a worker calling the simulator, with {@code --llmq.worker.*} style arguments. */
    Launched startWorker(List<String> jvm, String... args) throws InterruptedException {
        return launchWorker(jvm, args).await();
    }

    /** Launches a worker without waiting for it (after the simulator's launch: it needs the simulator's URL). */
    Starting<Launched> launchWorker(List<String> jvm, String... args) {
        Map<String, String> env = Map.of("REDIS_URL", redis.url(), "OPENAI_API_KEY", "sk-bench");
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--llmq.llm.base-url=" + simulatorUrl));
        all.addAll(List.of(args));
        Launched worker = launch("worker-service", jvm, env, all);
        return new Starting<>(worker, "consuming {llmq}:queries", worker);
    }

    /** A service launched and still starting: {@link #await()} waits until it logs that it is ready. */
    record Starting<T>(Launched process, String ready, T value) {

        T await() throws InterruptedException {
            process.awaitOutput(ready, STARTUP);
            return value;
        }
    }

    /**
     * Waits until no query is queued or being answered (every priority stream empty: workers delete what they
     * acknowledge), so that one phase's backlog does not spill into the next phase's figures.
     */
    void awaitIdle(Duration timeout) throws InterruptedException {
        if (!drain(timeout)) {
            throw new IllegalStateException("llmq still had queries queued after " + timeout);
        }
    }

    /** Waits up to {@code timeout} until no query is queued; returns whether that happened. */
    boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long queued = 0;
            for (String stream : List.of("{llmq}:queries:high", "{llmq}:queries", "{llmq}:queries:low")) {
                queued += Long.parseLong(redis.cli("XLEN", stream).strip());
            }
            if (queued == 0) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /**
     * The processes to measure CPU time of, by module (a second replica of a module gets a number): Redis, every
     * process started, and the load generator itself ({@code bench}).
     */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("redis", redis.pid());
        for (Launched process : processes) {
            String module = process.name()
                    .substring(scenario.length() + 1, process.name().lastIndexOf('-'));
            String key = module;
            for (int i = 2; pids.containsKey(key); i++) {
                key = module + "-" + i;
            }
            pids.put(key, process.pid());
        }
        pids.put("bench", ProcessHandle.current().pid());
        return pids;
    }

    /** Starts any other command as part of this deployment (closed with it). */
    Launched launchCommand(String name, List<String> command) {
        Launched process = Launched.start(
                        scenario + "-" + name + "-" + processes.size(), workspace.logs(), Map.of(), command)
                .stopAtOnce();
        processes.add(process);
        return process;
    }

    private Launched launch(String module, List<String> jvm, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(List.of(workspace.java()));
        command.addAll(jvm);
        // as in the container images: a service out of heap ends instead of going on half-alive (and shows in the
        // scenario's record, see takeDied)
        command.add("-XX:+ExitOnOutOfMemoryError");
        List<String> extra = serviceJvmOptions(module);
        command.addAll(extra);
        command.addAll(StartupCache.jarArguments(workspace, module));
        command.addAll(args);
        Launched process =
                Launched.start(scenario + "-" + module + "-" + processes.size(), workspace.logs(), env, command);
        if (extra.isEmpty()) {
            // nothing to write out when it stops (extra options are how a JFR recording is asked for)
            process.stopAtOnce();
        }
        processes.add(process);
        return process;
    }

    /**
     * Extra JVM options for one module's processes, from {@code -Dllmq.bench.jvm.<module>} (space-separated; for
     * example a JFR recording: {@code -Dllmq.bench.jvm.api-service=-XX:StartFlightRecording=filename=api.jfr}).
     */
    private static List<String> serviceJvmOptions(String module) {
        String options = System.getProperty("llmq.bench.jvm." + module, "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * The processes of deployments closed since the last call that had exited before their deployment closed them (an
     * {@code OutOfMemoryError} ends a service, as in the container images), for the scenario's record.
     */
    static List<String> takeDied() {
        List<String> died = List.copyOf(DIED);
        DIED.clear();
        return died;
    }

    /**
     * Stops every process with SIGTERM and waits up to {@code timeout} for all of them to exit (a JVM writes its AOT
     * cache as it exits); {@link #close()} then has nothing left to stop.
     */
    void stopGracefully(Duration timeout) throws InterruptedException {
        processes.forEach(Launched::requestStop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Launched process : processes) {
            process.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        processes.clear();
    }

    @Override
    public void close() {
        processes.stream().filter(process -> !process.isAlive()).forEach(process -> DIED.add(process.name()));
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        redis.close();
    }
}
