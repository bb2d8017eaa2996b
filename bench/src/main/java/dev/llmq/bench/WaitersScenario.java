package dev.llmq.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.redisson.Redisson;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.PatternMessageListener;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * One api-service replica holds 20,000 {@code GET /result} waits at once; then a worker answers them all. Both are warm
 * first, as services that have run for a while are: a closed loop like {@code overhead}'s warm-up, its waits over
 * HTTP/2 too, until the JIT compilers settle ({@link WarmUp}). Then the simulator holds every call ({@code hold}
 * fault): the worker takes its 512 queries and waits while the rest stay queued and the 20,000 waits are parked; the
 * release lets it answer them all as fast as it can. Measures how
 * long after an outcome was stored its waiter got it (the answer's arrival against the moment the bench's own
 * subscription heard the outcome published, which the worker does in the same script as the store; one clock) and how
 * many Redis connections the replica held meanwhile. Beside it, from the LLM's answer to the client
 * ({@code completed_at}, millisecond resolution), which adds the worker's store.
 *
 * <p>The waits go over HTTP/2 (h2c, 90 streams on each of about 220 connections, under Tomcat's limit of 100 per
 * connection): this machine's hard limit of 20,000 open files per process rules out 20,000 HTTP/1.1 connections to one
 * process.
 */
final class WaitersScenario implements Scenario {

    static final int WAITERS = 20_000;
    static final int API_HEAP_MB = 3_072;
    private static final int STREAMS_PER_CONNECTION = 90;
    /**
     * How long the waits stay parked, measured, before the release: over two of the api's result recheck intervals
     * ({@code LLMQ_API_RESULT_RECHECK_INTERVAL}, 5 s), so that what the parked waits cost Redis shows.
     */
    private static final Duration PARKED_AT_LEAST = Duration.ofSeconds(12);
    /** The worker's {@code max-in-flight}: calls held in the simulator until the waits are parked, then the drain's. */
    private static final int WORKER_IN_FLIGHT = 512;
    /** How often one wait is sent again after a 503 with {@code Retry-After} before it counts as failed. */
    private static final int MAX_RETRIES = 60;
    /** The channels llmq publishes outcomes on, {@code query_result_<id>} (the seed's names). */
    private static final String RESULT_CHANNELS = "query_result_*";

    private static final Pattern COMPLETED_AT = Pattern.compile("\"completed_at\":\"([^\"]+)\"");

    @Override
    public String name() {
        return "waiters";
    }

    @Override
    public String description() {
        return "20,000 concurrent GET /result waits on one api-service: wake-up p99 after the outcome is stored, Redis"
                + " connections held";
    }

    @Override
    public ScenarioResult run(Workspace workspace, Pace pace) throws Exception {
        int count = pace == Pace.FULL ? WAITERS : WAITERS / 4;
        try (Deployment llmq = new Deployment(workspace, name())) {
            var simulator = llmq.launchSimulator(
                    "--llmq.simulator.time-to-first-token=0ms", "--llmq.simulator.per-token-delay=0ms");
            // a parked wait holds about 100 KB of the api's live heap (Tomcat's request buffers, its virtual thread's
            // stack, the HTTP/2 stream): 2 GB for 20,000, and garbage comes on top while they are parked and woken
            var starting = llmq.launchApi(
                    List.of("-Xmx" + API_HEAP_MB + "m"),
                    Map.of("LLMQ_API_RESULT_WAIT_MAX", "600s"),
                    "--server.http2.enabled=true");
            // the worker's calls are held in the simulator while the waits are parked: far longer than its defaults
            String held = "15m";
            var worker = llmq.launchWorker(
                    List.of("-Xmx1g"),
                    "--llmq.worker.max-in-flight=" + WORKER_IN_FLIGHT,
                    "--llmq.llm.timeout=" + held,
                    "--llmq.llm.read-timeout=" + held,
                    "--llmq.llm.first-token-timeout=" + held);
            String simulatorUrl = simulator.await();
            worker.await();
            Deployment.StartedApi started = starting.await();
            String api = started.url();

            // warm: the api's HTTP/2 request and wake-up paths and the worker compiled by the JIT, as in a service that
            // has run for a while (a cold worker, compiling while it drains, took most of the CPU from the waits)
            QueryClient warm = new QueryClient(api, HttpClient.Version.HTTP_2);
            warm.upgrade();
            Duration warmWait = Duration.ofSeconds(30);
            WarmUp.Report warmUp = WarmUp.run(
                    llmq.pids(), pace, OverheadScenario.CLIENTS, i -> warm.submitAndAwait("warm up " + i, warmWait));
            llmq.awaitIdle(Duration.ofMinutes(3));
            // from now on the worker takes queries but its calls wait in the simulator until the waits are parked
            SimulatorControl.hold(simulatorUrl);
            HeapSampler apiHeap = new HeapSampler(workspace, started.process().pid());
            QueryClient submitter = new QueryClient(api);
            long[] ids = new long[count];
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Semaphore permits = new Semaphore(64);
                for (int i = 0; i < count; i++) {
                    int index = i;
                    permits.acquire();
                    pool.execute(() -> {
                        try {
                            ids[index] = submitter.submitPatiently("waiter " + index);
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        } finally {
                            permits.release();
                        }
                    });
                }
            }

            // what the waits hold on to: the api's live heap with every wait parked, less before any
            double liveBefore =
                    HeapSampler.liveMegabytes(workspace, started.process().pid());
            double liveWaiting = Double.NaN;
            Recorder wakeUps = new Recorder(TimeUnit.HOURS.toMicros(1), 3);
            Recorder answeredToClient = new Recorder(3_600_000L, 3);
            // when each outcome was stored: the bench hears the result's publication (made in the same script as the
            // store) on a subscription of its own, on the same clock as the answers' arrival
            Map<Long, Long> publishedAt = new ConcurrentHashMap<>(count * 2);
            RedissonClient listener = subscribe(llmq.redis().port(), publishedAt);
            AtomicLong answered = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            StringBuffer lastError = new StringBuffer();
            long connectionsWhileWaiting;
            double drainCompilerShare;
            Map<String, Double> drainCompilerShares;
            Map<String, Long> commandsWhileParked = new TreeMap<>();
            // one HTTP/2 connection per client, each below Tomcat's 100 concurrent streams per connection
            List<HttpClient> clients = new ArrayList<>();
            for (int i = 0; i < (count + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION; i++) {
                clients.add(HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build());
            }
            upgrade(clients, api);
            try (ExecutorService waits = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < count; i++) {
                    long id = ids[i];
                    HttpClient http = clients.get(i / STREAMS_PER_CONNECTION);
                    waits.execute(() -> {
                        try {
                            HttpRequest wait = HttpRequest.newBuilder(
                                            URI.create(api + "/result?id=" + id + "&wait=600s"))
                                    .timeout(Duration.ofSeconds(700))
                                    .build();
                            HttpResponse<String> response = http.send(wait, HttpResponse.BodyHandlers.ofString());
                            // as a client should: a replica too busy to take the wait says when to come back
                            for (int retry = 0; retry < MAX_RETRIES && response.statusCode() == 503; retry++) {
                                refused.incrementAndGet();
                                Thread.sleep(1_000L
                                        * Long.parseLong(response.headers()
                                                .firstValue("Retry-After")
                                                .orElse("1")));
                                response = http.send(wait, HttpResponse.BodyHandlers.ofString());
                            }
                            long arrivedNanos = System.nanoTime();
                            long arrived = System.currentTimeMillis();
                            Matcher completed = COMPLETED_AT.matcher(response.body());
                            if (response.statusCode() != 200 || !completed.find()) {
                                throw new IllegalStateException(response.statusCode() + " " + response.body());
                            }
                            // the answer can arrive before the bench's own subscription hears of the outcome
                            long published = publishedAt.computeIfAbsent(id, key -> arrivedNanos);
                            wakeUps.recordValue(Math.max(0, (arrivedNanos - published) / 1_000));
                            long answeredAt =
                                    java.time.Instant.parse(completed.group(1)).toEpochMilli();
                            answeredToClient.recordValue(Math.max(0, arrived - answeredAt));
                            answered.incrementAndGet();
                        } catch (Exception ex) {
                            failed.incrementAndGet();
                            lastError.setLength(0);
                            lastError.append(ex);
                        }
                    });
                }
                // every wait is parked once the replica reports them all (or after a generous pause)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (waitingAt(api) < count && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                connectionsWhileWaiting = llmq.redis().connectionsNamed("llmq-api");
                liveWaiting =
                        HeapSampler.liveMegabytes(workspace, started.process().pid());
                HeapSampler.classHistogram(
                        workspace,
                        started.process().pid(),
                        workspace.results().resolve("waiters-api-class-histogram.txt"));
                // what the parked waits cost Redis: the api's recheck reads their results every interval (counted
                // from here: the gauge counts a wait before its first read of the key, which may still be queued)
                llmq.redis().resetStats();
                long parkedSince = System.nanoTime();
                Thread.sleep(PARKED_AT_LEAST);
                double parkedSeconds = (System.nanoTime() - parkedSince) / 1e9;
                llmq.redis().commandCalls().forEach((command, calls) -> {
                    if (!OverheadScenario.OURS.contains(command)) {
                        commandsWhileParked.put(command, Math.round(calls / parkedSeconds));
                    }
                });
                CpuMeter drainCpu = CpuMeter.start(llmq.pids());
                SimulatorControl.release(simulatorUrl);
                waits.shutdown();
                waits.awaitTermination(5, TimeUnit.MINUTES);
                drainCompilerShare = drainCpu.compilerShare();
                drainCompilerShares = drainCpu.compilerShares();
            } finally {
                clients.forEach(HttpClient::close);
                listener.shutdown();
            }
            Histogram histogram = wakeUps.getIntervalHistogram();
            Histogram fromAnswer = answeredToClient.getIntervalHistogram();
            double apiPeakHeap = apiHeap.peakMegabytes();
            apiHeap.close();
            return new ScenarioResult(name())
                    .goal("answered_waiters", ">=", count, answered.get())
                    .goal("wake_up_p99_ms", "<=", 50, histogram.getValueAtPercentile(99) / 1_000.0)
                    .goal("redis_connections", "<=", 16, connectionsWhileWaiting)
                    .figure("redis_cmds_per_s_while_parked", commandsWhileParked)
                    .figure("wake_up_p50_ms", histogram.getValueAtPercentile(50) / 1_000.0)
                    .figure("wake_up_max_ms", histogram.getMaxValue() / 1_000.0)
                    .figure("answered_to_client_p50_ms", (double) fromAnswer.getValueAtPercentile(50))
                    .figure("answered_to_client_p99_ms", (double) fromAnswer.getValueAtPercentile(99))
                    .figure("failed", failed.get())
                    .figure("refused_and_retried", refused.get())
                    .figure("api_heap_max_mb", API_HEAP_MB)
                    .figure("api_peak_heap_mb", apiPeakHeap)
                    .figure("api_live_heap_mb_before_waits", liveBefore)
                    .figure("api_live_heap_mb_waiting", liveWaiting)
                    .figure("api_live_kb_per_wait", (liveWaiting - liveBefore) * 1024 / count)
                    .figure("warm_up_s", warmUp.took().toMillis() / 1000.0)
                    .figure("warm_up_jit_shares", warmUp.compilerShares())
                    .figure("drain_jit_share_of_cpu", drainCompilerShare)
                    .figure("drain_jit_share_by_process", drainCompilerShares)
                    .figure("last_error", lastError.toString());
        }
    }

    /** Records when each query's result is published, by its id, from a pattern subscription of the bench's own. */
    private static RedissonClient subscribe(int redisPort, Map<Long, Long> publishedAt) {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + redisPort).setConnectionMinimumIdleSize(1);
        RedissonClient redis = Redisson.create(config);
        RPatternTopic topic = redis.getPatternTopic(RESULT_CHANNELS, StringCodec.INSTANCE);
        topic.addListener(String.class, (PatternMessageListener<String>) (pattern, channel, json) -> {
            long now = System.nanoTime();
            String name = channel.toString();
            publishedAt.putIfAbsent(Long.parseLong(name.substring(name.lastIndexOf('_') + 1)), now);
        });
        return redis;
    }

    /**
     * Has each client upgrade its connection to HTTP/2 with one request of its own. Cleartext HTTP/2 starts as an
     * HTTP/1.1 request with {@code Upgrade: h2c}, and the JDK client opens a new connection for every request sent
     * before an upgrade completed: 20,000 waits sent at once went over about 20,000 HTTP/1.1 connections (beyond
     * Tomcat's 8,192), not 90 streams on each of 220.
     */
    private static void upgrade(List<HttpClient> clients, String api) throws InterruptedException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (HttpClient http : clients) {
                pool.execute(() -> {
                    try {
                        QueryClient.upgrade(http, api);
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
    }

    /** How many waits the replica holds, from its {@code llmq.result.waiters} gauge; -1 when it cannot tell. */
    private static long waitingAt(String api) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(api + "/actuator/prometheus"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher value = Pattern.compile("^llmq_result_waiters\\S* ([0-9.Ee+]+)$", Pattern.MULTILINE)
                    .matcher(response.body());
            return response.statusCode() == 200 && value.find() ? (long) Double.parseDouble(value.group(1)) : -1;
        } catch (Exception ex) {
            return -1;
        }
    }
}
