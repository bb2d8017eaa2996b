package dev.llmq.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.Redisson;
import org.redisson.api.RBlockingQueue;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The users' design card taken literally, as the baseline llmq is measured against: {@code POST /query} puts the
 * prompt on a Redisson {@code RBlockingQueue}, a fixed pool of worker threads takes it, calls the LLM, stores the
 * answer under {@code query_result_<id>} and publishes it on an {@code RTopic}; {@code GET /result} reads the key or
 * waits for the topic. Same HTTP contract as llmq, none of its guarantees (a crash loses taken queries).
 *
 * <p>Run by the benchmark as {@code java -jar bench.jar design-card <port> <redis-url> <llm-base-url> <threads>}.
 */
final class DesignCardService {

    private static final String QUEUE = "design-card:queries";

    private final RedissonClient redis;
    private final RBlockingQueue<String> queue;
    private final HttpClient llm = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String llmBaseUrl;

    private DesignCardService(RedissonClient redis, String llmBaseUrl) {
        this.redis = redis;
        this.queue = redis.getBlockingQueue(QUEUE, StringCodec.INSTANCE);
        this.llmBaseUrl = llmBaseUrl;
    }

    static void main(int port, String redisUrl, String llmBaseUrl, int threads) throws IOException {
        Config config = new Config();
        // each worker's blocking take holds a connection of the pool for as long as it waits: room for the rest too
        config.useSingleServer()
                .setAddress(redisUrl)
                .setConnectionPoolSize(threads + 64)
                .setConnectionMinimumIdleSize(8);
        DesignCardService service = new DesignCardService(Redisson.create(config), llmBaseUrl);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            workers.execute(service::work);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/query", service::submit);
        server.createContext("/result", service::result);
        server.start();
        System.out.println("design-card service listening on " + port + " with " + threads + " worker threads");
    }

    private void submit(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        long id = redis.getAtomicLong("design-card:id").incrementAndGet();
        queue.offer(id + "\t" + body);
        respond(exchange, 200, "{\"message\":\"Query received\",\"id\":" + id + "}");
    }

    private void work() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                String taken = queue.take();
                int tab = taken.indexOf('\t');
                String id = taken.substring(0, tab);
                String answer = callLlm(taken.substring(tab + 1));
                String outcome = "{\"id\":" + id + ",\"status\":\"succeeded\",\"text\":" + answer
                        + ",\"completed_at\":\"" + Instant.now() + "\"}";
                redis.getBucket("query_result_" + id, StringCodec.INSTANCE).set(outcome, Duration.ofHours(24));
                redis.getTopic("query_result_" + id, StringCodec.INSTANCE).publish(outcome);
            } catch (InterruptedException ex) {
                return;
            } catch (Exception ex) {
                System.err.println("worker: " + ex);
            }
        }
    }

    /** Calls the chat completions endpoint; returns the answer's content as a JSON string literal. */
    private String callLlm(String queryJson) throws IOException, InterruptedException {
        String prompt = queryJson.replaceAll("^\\{\"prompt\":", "").replaceAll("}$", "");
        HttpResponse<String> response = llm.send(
                HttpRequest.newBuilder(URI.create(llmBaseUrl + "/chat/completions"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer sk-design-card")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":" + prompt
                                        + "}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        int content = response.body().indexOf("\"content\":");
        if (response.statusCode() != 200 || content < 0) {
            throw new IOException("LLM answered " + response.statusCode());
        }
        int start = response.body().indexOf('"', content + 10);
        int end = start + 1;
        while (response.body().charAt(end) != '"' || response.body().charAt(end - 1) == '\\') {
            end++;
        }
        return response.body().substring(start, end + 1);
    }

    private void result(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        String id = query.replaceAll(".*\\bid=(\\d+).*", "$1");
        String key = "query_result_" + id;
        RTopic topic = redis.getTopic(key, StringCodec.INSTANCE);
        AtomicReference<String> published = new AtomicReference<>();
        CountDownLatch latch = new CountDownLatch(1);
        int listener = topic.addListener(String.class, (channel, message) -> {
            published.set(message);
            latch.countDown();
        });
        try {
            String stored = redis.<String>getBucket(key, StringCodec.INSTANCE).get();
            if (stored == null && latch.await(30, TimeUnit.SECONDS)) {
                stored = published.get();
            }
            if (stored == null) {
                respond(exchange, 202, "{\"id\":" + id + ",\"status\":\"queued\"}");
            } else {
                respond(exchange, 200, stored);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "{}");
        } finally {
            topic.removeListener(listener);
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
