package dev.llmq.e2e.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sustained load for a chaos run: submits {@code POST /query} at a steady rate to random api replicas (open loop: a
 * slow or dead replica does not slow the schedule, up to a cap of requests in flight), records every query that got a
 * 2xx, and lets a share of them wait for their result with {@link ChaosWaiter}. A refused or failed POST is not
 * accepted and promises nothing. Each prompt carries its load index ({@code chaos#<n>}), so the simulator's request log
 * maps calls to queries.
 */
public final class ChaosLoad implements AutoCloseable {

    private static final Pattern INDEX = Pattern.compile("chaos#(\\d+)\\b");
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    /**
     * How the load behaves.
     *
     * @param queriesPerSecond submissions per second, whatever the replies take
     * @param maxInFlight POSTs open at once at most; a due submission beyond it is skipped and counted
     * @param waiterShare the share (0..1) of accepted queries a client waits for with {@code GET /result?wait=}
     * @param waiter how those clients wait and what counts as timely
     * @param prompts the prompt of load index n; must contain {@link #tag(int)} (faults go in as simulator markers)
     * @param seed for the choice of replicas and waiters
     */
    public record Settings(
            double queriesPerSecond,
            int maxInFlight,
            double waiterShare,
            ChaosWaiter.Settings waiter,
            IntFunction<String> prompts,
            long seed) {

        /**
         * {@code queriesPerSecond} of {@link #mixedPrompt} prompts, at most 200 POSTs open, 30 % of the queries
         * waited for with {@code wait=3s} (a 202 within 8 s is timely; failed requests retried for 30 s).
         */
        public static Settings steady(double queriesPerSecond) {
            return new Settings(
                    queriesPerSecond,
                    200,
                    0.3,
                    new ChaosWaiter.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                    ChaosLoad::mixedPrompt,
                    7);
        }
    }

    /** A query that got a 2xx: its load index, the id it was given, and when the reply came (epoch ms). */
    public record Accepted(int index, long id, long acceptedAtMillis, String replica) {}

    private final List<String> replicas;
    private final Settings settings;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(3))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService waiting = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inFlight;
    private final Random random;
    private final ChaosWaiter waiter;
    private final ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ChaosWaiter.Wait> waits = new ConcurrentLinkedQueue<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private volatile boolean running = true;
    private final Thread scheduler;

    private ChaosLoad(List<String> replicas, Settings settings) {
        this.replicas = List.copyOf(replicas);
        this.settings = settings;
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.random = new Random(settings.seed());
        this.waiter = new ChaosWaiter(http, this.replicas, settings.waiter(), settings.seed());
        this.scheduler = Thread.ofPlatform().name("chaos-load").daemon().unstarted(this::schedule);
    }

    /** Starts submitting to the replicas at these base URLs ({@code http://host:port}) until {@link #stop()}. */
    public static ChaosLoad start(List<String> replicaUrls, Settings settings) {
        ChaosLoad load = new ChaosLoad(replicaUrls, settings);
        load.scheduler.start();
        return load;
    }

    /** The marker of load index {@code index} in its prompt. */
    public static String tag(int index) {
        return "chaos#" + index;
    }

    /**
     * A prompt with simulator faults of its own: every 25th fails with a 503 at every attempt (so it takes exactly the
     * maximum attempts), every 10th streams slowly (300 ms a token, so workers hold calls when they die), one in 200
     * gets a 429 with {@code Retry-After: 1} (which pauses every worker's calls); the rest are answered.
     */
    public static String mixedPrompt(int index) {
        String prompt = "question " + tag(index);
        if (index % 25 == 0) {
            return prompt + " [[fault:503]]";
        }
        if (index % 10 == 3) {
            return prompt + " [[fault:slow-stream;per-token=300ms]]";
        }
        if (index % 200 == 7) {
            return prompt + " [[fault:429;retry-after=1]]";
        }
        return prompt;
    }

    /**
     * A prompt without 429s: every 20th fails with a 503 at every attempt (so it makes exactly the maximum calls), every
     * 10th streams slowly (200 ms a token); the rest are answered.
     */
    public static String failingOrSlowPrompt(int index) {
        String prompt = "question " + tag(index);
        if (index % 20 == 0) {
            return prompt + " [[fault:503]]";
        }
        if (index % 10 == 3) {
            return prompt + " [[fault:slow-stream;per-token=200ms]]";
        }
        return prompt;
    }

    /** The load index a prompt carries, or -1. */
    public static int indexOf(String prompt) {
        Matcher matcher = INDEX.matcher(prompt);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private void schedule() {
        long intervalNanos = (long) (1_000_000_000L / settings.queriesPerSecond());
        long due = System.nanoTime();
        while (running) {
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            due += intervalNanos;
            int index = next.getAndIncrement();
            if (!inFlight.tryAcquire()) {
                skipped.incrementAndGet();
                continue;
            }
            String replica = replicas.get(random.nextInt(replicas.size()));
            boolean withWaiter = random.nextDouble() < settings.waiterShare();
            requests.submit(() -> {
                try {
                    submit(index, replica, withWaiter);
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private void submit(int index, String replica, boolean withWaiter) {
        String prompt = settings.prompts().apply(index);
        String body = "{\"prompt\":\"" + prompt.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(replica + "/query"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher id = ID.matcher(response.body());
            if (response.statusCode() / 100 != 2 || !id.find()) {
                refused.incrementAndGet();
                return;
            }
            Accepted query = new Accepted(index, Long.parseLong(id.group(1)), System.currentTimeMillis(), replica);
            accepted.add(query);
            if (withWaiter) {
                waiting.submit(() -> waits.add(waiter.await(query.id())));
            }
        } catch (IOException ex) {
            refused.incrementAndGet();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            refused.incrementAndGet();
        }
    }

    /** Stops submitting and waits for the POSTs and waits in flight to end. */
    public void stop() {
        running = false;
        try {
            scheduler.join();
            for (ExecutorService executor : List.of(requests, waiting)) {
                executor.shutdown();
                if (!executor.awaitTermination(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("chaos load: requests still running after 5 minutes");
                }
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Every query that got a 2xx so far. */
    public List<Accepted> accepted() {
        return List.copyOf(accepted);
    }

    /** How every waiting client fared (complete after {@link #stop()}). */
    public List<ChaosWaiter.Wait> waits() {
        return List.copyOf(waits);
    }

    /** Submissions answered with anything but a 2xx, or not at all. */
    public int refused() {
        return refused.get();
    }

    /** Submissions skipped because {@link Settings#maxInFlight()} POSTs were open. */
    public int skipped() {
        return skipped.get();
    }

    @Override
    public void close() {
        running = false;
        requests.shutdownNow();
        waiting.shutdownNow();
    }
}
