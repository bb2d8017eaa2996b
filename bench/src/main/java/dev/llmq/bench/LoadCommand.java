package dev.llmq.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code bench/run load --url <base url> [...]}: the benchmark's open loop against a service that is already running
 * (a deployment of llmq, or anything else that speaks the {@code /query} + {@code /result} contract), instead of the
 * jars a scenario starts. Each query is a {@code POST /query} then long-polling {@code GET /result} until its outcome;
 * its latency counts from when it was due. Starts nothing, builds nothing, trains nothing.
 */
final class LoadCommand {

    static final String USAGE = "usage: bench/run load --url <base url, e.g. http://localhost:8080> [--rate <queries/s,"
            + " default 10>] [--seconds <offering time, default 30>] [--prompt <text; {i} becomes the query's index,"
            + " default \"" + Options.DEFAULT_PROMPT + "\">] [--wait <seconds per GET /result, default 30>] [--drain"
            + " <seconds to wait for the last outcomes, default 60>]; an API key from LLMQ_BENCH_API_KEY";

    private static final Pattern HTTP_REFUSAL = Pattern.compile("^(POST /query|GET /result) answered (\\d{3})");
    private static final Pattern OUTCOME_STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");

    private LoadCommand() {}

    /** What to offer, to whom. */
    record Options(
            URI url,
            double rate,
            Duration duration,
            String prompt,
            Duration resultWait,
            Duration drain,
            @Nullable String apiKey) {

        static final String DEFAULT_PROMPT = "Say hello to query {i}";

        /** Reads the arguments after {@code load}; throws {@link IllegalArgumentException} saying what is wrong. */
        static Options parse(List<String> args, @Nullable String apiKey) {
            Map<String, String> given = new TreeMap<>();
            for (int i = 0; i < args.size(); i += 2) {
                String name = args.get(i);
                if (!List.of("--url", "--rate", "--seconds", "--prompt", "--wait", "--drain")
                        .contains(name)) {
                    throw new IllegalArgumentException("unknown option '" + name + "'");
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                given.put(name, args.get(i + 1));
            }
            String url = given.get("--url");
            if (url == null) {
                throw new IllegalArgumentException("--url is required");
            }
            return new Options(
                    baseUrl(url),
                    positive(given, "--rate", 10),
                    Duration.ofMillis((long) (positive(given, "--seconds", 30) * 1000)),
                    given.getOrDefault("--prompt", DEFAULT_PROMPT),
                    Duration.ofSeconds((long) Math.ceil(positive(given, "--wait", 30))),
                    Duration.ofMillis((long) (positive(given, "--drain", 60) * 1000)),
                    apiKey == null || apiKey.isBlank() ? null : apiKey.strip());
        }

        private static URI baseUrl(String url) {
            try {
                URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException(
                            "--url must be an http:// or https:// address, not '" + url + "'");
                }
                return uri;
            } catch (URISyntaxException ex) {
                throw new IllegalArgumentException("--url is not an address: " + ex.getMessage(), ex);
            }
        }

        private static double positive(Map<String, String> given, String name, double otherwise) {
            String value = given.get(name);
            if (value == null) {
                return otherwise;
            }
            try {
                double number = Double.parseDouble(value);
                if (!(number > 0) || Double.isInfinite(number)) {
                    throw new IllegalArgumentException(name + " must be a positive number, not '" + value + "'");
                }
                return number;
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " must be a positive number, not '" + value + "'", ex);
            }
        }

        /** The prompt of query {@code index}. */
        String promptOf(long index) {
            return prompt.replace("{i}", Long.toString(index));
        }
    }

    /** Runs the load; the figures and failures by kind (e.g. {@code POST /query 429: 12}) in one result. */
    static ScenarioResult run(Options options) throws IOException, InterruptedException {
        checkReachable(options);
        QueryClient client = new QueryClient(options.url().toString(), HttpClient.Version.HTTP_1_1, options.apiKey());
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        QueryClient.takeSlowQueries();
        OpenLoop.Report report = OpenLoop.run(options.rate(), options.duration(), options.drain(), index -> {
            try {
                client.submitAndAwait(options.promptOf(index), options.resultWait());
            } catch (IOException | RuntimeException ex) {
                failures.computeIfAbsent(kindOf(ex), kind -> new LongAdder()).increment();
                throw ex;
            }
        });
        Map<String, Long> failed = new TreeMap<>();
        failures.forEach((kind, count) -> failed.put(kind, count.sum()));
        List<String> slow = QueryClient.takeSlowQueries();
        return new ScenarioResult("load")
                .figure("url", options.url().toString())
                .figure("offered_qps", options.rate())
                .figure("offered", report.offered())
                .figure("completed", report.completed())
                .figure("failed", report.failed())
                .figure("unfinished", report.offered() - report.completed() - report.failed())
                .figure("completed_qps", report.completedPerSecond())
                .figure("p50_ms", report.percentileMillis(50))
                .figure("p90_ms", report.percentileMillis(90))
                .figure("p99_ms", report.percentileMillis(99))
                .figure("max_ms", report.percentileMillis(100))
                .figure("failures", failed)
                .figure("last_error", abbreviated(report.lastError()))
                .figure("slow_queries", slow.subList(0, Math.min(5, slow.size())));
    }

    /**
     * A failure's kind, for counting: the refused request and its status ({@code POST /query 429}), an outcome that is
     * not an answer ({@code outcome failed}), or the exception's class (a connection refused, a timeout).
     */
    static String kindOf(Exception ex) {
        String message = ex.getMessage() == null ? "" : ex.getMessage();
        Matcher refused = HTTP_REFUSAL.matcher(message);
        if (refused.find()) {
            return refused.group(1) + " " + refused.group(2);
        }
        if (message.contains(" did not succeed: ")) {
            Matcher status = OUTCOME_STATUS.matcher(message);
            return "outcome " + (status.find() ? status.group(1) : "unreadable");
        }
        return ex.getClass().getSimpleName();
    }

    private static String abbreviated(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** One request first, so that a wrong address says so at once instead of after a whole run of failures. */
    private static void checkReachable(Options options) throws IOException, InterruptedException {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            http.send(
                    HttpRequest.newBuilder(URI.create(options.url() + "/result?id=0"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException ex) {
            throw new IOException(
                    "cannot reach " + options.url() + ": " + ex.getClass().getSimpleName()
                            + (ex.getMessage() == null ? "" : " (" + ex.getMessage() + ")"),
                    ex);
        }
    }

    /** {@code bench/run load ...}: prints the result line and returns the record, or exits 2 on bad arguments. */
    static @Nullable Map<String, Object> main(List<String> args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args, System.getenv("LLMQ_BENCH_API_KEY"));
        } catch (IllegalArgumentException ex) {
            System.err.println("load: " + ex.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return null;
        }
        System.out.printf(
                Locale.ROOT,
                "# load: %s q/s offered to %s for %s s (each query POSTed, then its result long-polled)%n",
                ScenarioResult.format(options.rate()),
                options.url(),
                ScenarioResult.format(options.duration().toMillis() / 1000.0));
        try {
            ScenarioResult result = run(options);
            System.out.println(result.line());
            return result.record();
        } catch (IOException ex) {
            System.err.println("load: " + ex.getMessage());
            System.exit(1);
            return null;
        }
    }

    /** The arguments after the command's name. */
    static List<String> after(String[] args) {
        return new ArrayList<>(List.of(args).subList(1, args.length));
    }
}
