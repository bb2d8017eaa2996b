package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.testing.RedisServerExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RedissonClient;

/**
 * The read that lost a result notification, made on purpose: a proxy in front of a real Redis delivers the reply to
 * the subscription connection's keep-alive {@code PING} together with the message after it and the first bytes of the
 * next one, and the rest of that one a moment later. Redisson's decoder alone skipped that next message (see
 * {@link RespFrameAligner}); every message published must reach llmq's listener.
 */
class NotificationsAcrossSplitReadsIT {

    private static final byte[] PONG = "*2\r\n$4\r\npong\r\n$0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    @Test
    void aMessageWhoseFirstBytesArriveWithAPingReplyIsStillDelivered() throws Exception {
        Set<Long> received = ConcurrentHashMap.newKeySet();
        try (PongSplittingProxy proxy = new PongSplittingProxy(server.redis().port())) {
            RedissonClient client = RedisClients.connect(
                    "redis://127.0.0.1:" + proxy.port(), Duration.ofSeconds(3), 2, "split-reads-test");
            RedisResultNotifications notifications = new RedisResultNotifications(client);
            try {
                notifications.subscribe(new ResultNotifications.Listener() {
                    @Override
                    public void onOutcome(QueryId id, String json) {
                        received.add(id.value());
                    }

                    @Override
                    public void onResubscribed() {}
                });
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Long.valueOf(1).equals(server.redis().call("PUBSUB", "NUMPAT")));

                // messages flow until two PING replies (one each 5 s) have been split, and a little longer
                long published = 0;
                long splitAt = -1;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && (splitAt < 0 || published < splitAt + 500)) {
                    published++;
                    server.redis().call("PUBLISH", "query_result_" + published, "{\"id\":" + published + "}");
                    if (splitAt < 0 && proxy.splits() >= 2) {
                        splitAt = published;
                    }
                }
                long last = published;

                assertThat(proxy.splits())
                        .as("PING replies split with the message after them")
                        .isGreaterThanOrEqualTo(2);
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(LongStream.rangeClosed(1, last)
                                        .filter(id -> !received.contains(id))
                                        .boxed()
                                        .toList())
                                .as("published, never delivered")
                                .isEmpty());
            } finally {
                notifications.close();
                client.shutdown();
            }
        }
    }

    /**
     * Forwards both ways; from Redis to the client whole frames, except that a subscription's {@code PING} reply goes
     * out in one write with the next frame and 8 bytes of the one after, whose rest follows 100 ms later.
     */
    private static final class PongSplittingProxy implements AutoCloseable {

        private final ServerSocket listener;
        private final int redisPort;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger splits = new AtomicInteger();

        PongSplittingProxy(int redisPort) throws IOException {
            this.redisPort = redisPort;
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().name("split-proxy-accept").start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        int splits() {
            return splits.get();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                    client.setTcpNoDelay(true);
                    redis.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(redis);
                    Thread.ofVirtual().start(() -> copy(client, redis));
                    Thread.ofVirtual().start(() -> toClient(redis, client));
                } catch (IOException ex) {
                    return;
                }
            }
        }

        private static void copy(Socket from, Socket to) {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ex) {
                // closed
            }
        }

        private void toClient(Socket redis, Socket client) {
            ByteBuf pending = Unpooled.buffer();
            byte[] chunk = new byte[8192];
            try (InputStream in = redis.getInputStream();
                    OutputStream out = client.getOutputStream()) {
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    pending.writeBytes(chunk, 0, n);
                    forward(pending, out);
                    pending.discardReadBytes();
                }
            } catch (IOException ex) {
                // closed
            } finally {
                pending.release();
            }
        }

        /** Writes what can go now: whole frames, or a PING reply with a frame and a half once they are all here. */
        private void forward(ByteBuf pending, OutputStream out) throws IOException {
            while (true) {
                int start = pending.readerIndex();
                int end = RespFrameAligner.frameEnd(pending, start);
                if (end < 0) {
                    return;
                }
                if (!isPong(pending, start, end)) {
                    write(pending, end - start, out);
                    continue;
                }
                int messageEnd = RespFrameAligner.frameEnd(pending, end);
                int nextEnd = messageEnd < 0 ? -1 : RespFrameAligner.frameEnd(pending, messageEnd);
                if (nextEnd < 0) {
                    // wait for the reply's next two frames
                    return;
                }
                int firstPart = messageEnd + Math.min(8, nextEnd - messageEnd - 1) - start;
                write(pending, firstPart, out);
                splits.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                write(pending, nextEnd - pending.readerIndex(), out);
            }
        }

        private static boolean isPong(ByteBuf pending, int start, int end) {
            return end - start == PONG.length
                    && pending.slice(start, PONG.length).equals(Unpooled.wrappedBuffer(PONG));
        }

        private static void write(ByteBuf pending, int length, OutputStream out) throws IOException {
            byte[] bytes = new byte[length];
            pending.readBytes(bytes);
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
