package dev.llmq.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each of {@link FaultProxy}'s modes, shown against a real TCP echo server through real loopback sockets. */
class FaultProxyTests {

    private EchoServer echo;
    private FaultProxy proxy;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        echo = EchoServer.start();
        proxy = FaultProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        proxy.close();
        assertThat(proxy.liveThreads()).as("threads left behind").isZero();
        echo.close();
    }

    @Test
    void forwardsEveryByteInOrderOnManyBusyConnections() throws Exception {
        int connections = 16;
        int chunks = 1_500;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Boolean>> echoed = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                Socket socket = connect();
                byte[] sent = randomBytes(c, chunks);
                // writer and reader apart, so a full window in one direction cannot stall the other
                executor.submit(() -> writeInChunks(socket.getOutputStream(), sent));
                echoed.add(CompletableFuture.supplyAsync(
                        () -> Arrays.equals(readExactly(socket, sent.length), sent), executor));
            }
            assertThat(echoed).allSatisfy(future -> assertThat(future.join()).isTrue());
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(connections);
    }

    @Test
    void delayHoldsEveryChunkForTheGivenTimeEachWay() throws Exception {
        Socket socket = connect();
        assertThat(roundTrip(socket, "warm")).isEqualTo("warm");

        proxy.delay(Duration.ofMillis(300), Duration.ZERO);
        assertThat(timedRoundTrip(socket, "there")).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        proxy.delay(Duration.ZERO, Duration.ofMillis(300));
        assertThat(timedRoundTrip(socket, "back")).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        proxy.delay(Duration.ofMillis(200), Duration.ofMillis(200));
        assertThat(timedRoundTrip(socket, "both")).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        proxy.heal();
        assertThat(roundTrip(socket, "healed")).isEqualTo("healed");
    }

    @Test
    void delayKeepsThePaceOfAPipelinedStream() throws Exception {
        Socket socket = connect();
        proxy.delay(Duration.ofMillis(250), Duration.ZERO);
        OutputStream out = socket.getOutputStream();
        long started = System.nanoTime();
        // 40 one-byte writes 25 ms apart, so that they travel as separate chunks
        try (ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor()) {
            for (int i = 0; i < 40; i++) {
                writer.schedule(
                        () -> {
                            send(socket, "x");
                            return null;
                        },
                        i * 25L,
                        TimeUnit.MILLISECONDS);
            }
            byte[] back = readExactly(socket, 40);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("x".repeat(40));
            // held one after another, 40 chunks of 250 ms would take 10 s
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void blackholeKeepsConnectionsOpenButPassesNothingUntilHealed() throws Exception {
        Socket open = connect();
        assertThat(roundTrip(open, "before")).isEqualTo("before");

        proxy.blackhole();
        send(open, "held");
        Socket fresh = connect();
        send(fresh, "new");

        assertThat(open.isClosed()).isFalse();
        assertThatThrownBy(() -> readExactly(open, 4, Duration.ofSeconds(1)))
                .hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> readExactly(fresh, 3, Duration.ofSeconds(1)))
                .hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(proxy.openConnections()).isEqualTo(2);

        proxy.heal();
        // what was held flows once the link is back, as TCP would retransmit it
        assertThat(new String(readExactly(open, 4), StandardCharsets.UTF_8)).isEqualTo("held");
        assertThat(new String(readExactly(fresh, 3), StandardCharsets.UTF_8)).isEqualTo("new");
    }

    @Test
    void refuseRefusesNewConnectionsAndLeavesOpenOnesWorking() throws Exception {
        Socket open = connect();
        assertThat(roundTrip(open, "accepted")).isEqualTo("accepted");

        proxy.refuse();

        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        assertThat(roundTrip(open, "still here")).isEqualTo("still here");
        proxy.heal();
        assertThat(roundTrip(connect(), "accepted again")).isEqualTo("accepted again");
    }

    @Test
    void resetConnectionsSendsAResetToBothSides() throws Exception {
        Socket open = connect();
        assertThat(roundTrip(open, "before")).isEqualTo("before");

        assertThat(proxy.resetConnections()).isEqualTo(1);

        assertThatThrownBy(() -> readExactly(open, 1))
                .hasRootCauseInstanceOf(SocketException.class)
                .rootCause()
                .hasMessageContaining("reset");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() ->
                        assertThat(echo.endings()).singleElement().asString().contains("reset"));
        assertThat(proxy.openConnections()).isZero();
        assertThat(roundTrip(connect(), "after")).isEqualTo("after");
    }

    @Test
    void aCloseOnEitherSideIsPassedOnAndEndsTheConnection() throws Exception {
        Socket closedByClient = connect();
        assertThat(roundTrip(closedByClient, "a")).isEqualTo("a");
        closedByClient.shutdownOutput();
        // the echo server sees the end, closes its side, and that end comes back
        assertThat(closedByClient.getInputStream().read()).isEqualTo(-1);

        Socket closedByServer = connect();
        assertThat(roundTrip(closedByServer, "b")).isEqualTo("b");
        echo.closeAllConnections();
        assertThat(closedByServer.getInputStream().read()).isEqualTo(-1);
        // half-closed until the client closes too, as TCP allows
        closedByServer.close();

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(proxy.openConnections()).isZero());
    }

    @Test
    void closeEndsEveryConnectionAndThreadAndStopsListening() throws Exception {
        List<Socket> open = List.of(connect(), connect(), connect());
        assertThat(roundTrip(open.getFirst(), "busy")).isEqualTo("busy");
        proxy.delay(Duration.ofSeconds(30), Duration.ZERO);
        send(open.get(1), "delayed");
        proxy.blackhole();
        send(open.get(2), "held");
        // the kernel completes a connection before the proxy's acceptor takes it and starts its threads
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.liveThreads() >= 3 * 4);

        proxy.close();

        assertThat(proxy.liveThreads()).isZero();
        assertThat(proxy.openConnections()).isZero();
        for (Socket socket : open) {
            assertThatThrownBy(() -> readExactly(socket, 1)).rootCause().hasMessageContaining("reset");
        }
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2_000);
        socket.setSoTimeout(10_000);
        clients.add(socket);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        send(socket, text);
        return new String(readExactly(socket, text.getBytes(StandardCharsets.UTF_8).length), StandardCharsets.UTF_8);
    }

    private static Duration timedRoundTrip(Socket socket, String text) throws IOException {
        long started = System.nanoTime();
        assertThat(roundTrip(socket, text)).isEqualTo(text);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static byte[] readExactly(Socket socket, int length, Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        try {
            return readExactly(socket, length);
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    private static byte[] readExactly(Socket socket, int length) {
        try {
            InputStream in = socket.getInputStream();
            byte[] bytes = in.readNBytes(length);
            if (bytes.length < length) {
                throw new IOException("the stream ended after " + bytes.length + " of " + length + " bytes");
            }
            return bytes;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Void writeInChunks(OutputStream out, byte[] bytes) throws IOException {
        Random sizes = new Random(bytes.length);
        int offset = 0;
        while (offset < bytes.length) {
            int size = Math.min(bytes.length - offset, 1 + sizes.nextInt(2_048));
            out.write(bytes, offset, size);
            offset += size;
        }
        out.flush();
        return null;
    }

    private static byte[] randomBytes(long seed, int chunks) {
        byte[] bytes = new byte[chunks * 1_024];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
