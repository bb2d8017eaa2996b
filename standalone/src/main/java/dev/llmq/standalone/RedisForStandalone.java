package dev.llmq.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the Redis for the one-command run: {@code REDIS_URL} if set, the Sentinels or cluster nodes named by {@code
 * LLMQ_REDIS_*_NODES} if set (the services read those themselves), else a Redis answering on localhost:6379, else a
 * real Redis server embedded in this process (append-only file in the data folder, so queries survive a restart).
 */
final class RedisForStandalone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisForStandalone.class);

    private final @Nullable String url;
    private final @Nullable EmbeddedRedis embedded;

    private RedisForStandalone(@Nullable String url, @Nullable EmbeddedRedis embedded) {
        this.url = url;
        this.embedded = embedded;
    }

    static RedisForStandalone choose(StandaloneSettings settings) {
        if (settings.redisUrl() != null) {
            log.info("Redis: REDIS_URL");
            return new RedisForStandalone(settings.redisUrl(), null);
        }
        if (settings.redisNodesSet()) {
            log.info("Redis: LLMQ_REDIS_SENTINEL_NODES or LLMQ_REDIS_CLUSTER_NODES");
            return new RedisForStandalone(null, null);
        }
        if (settings.redisMode().equals("auto") && answersPing("localhost", 6379)) {
            log.info("Redis: the server answering at localhost:6379 (set REDIS_URL to use another)");
            return new RedisForStandalone("redis://localhost:6379", null);
        }
        return startEmbedded(settings);
    }

    private static RedisForStandalone startEmbedded(StandaloneSettings settings) {
        int port = portIsFree(settings.embeddedRedisPort()) ? settings.embeddedRedisPort() : freePort();
        Path dir = settings.dataDir().resolve("redis").toAbsolutePath();
        EmbeddedRedis server = EmbeddedRedis.start(dir, port);
        log.info("Redis: embedded redis-server on 127.0.0.1:{} with its append-only file in {}", port, dir);
        return new RedisForStandalone("redis://127.0.0.1:" + port, server);
    }

    /** The URL to hand the services, or null when they find Redis through their own {@code LLMQ_REDIS_*} settings. */
    @Nullable
    String url() {
        return url;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }

    static boolean answersPing(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException ex) {
            return false;
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException ex) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
