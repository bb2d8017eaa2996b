package dev.llmq.e2e.chaos;

import dev.llmq.shared.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on a loopback port in front of one target (say a Redis server) that breaks the network on demand, for
 * chaos tests: {@link #delay} every chunk, {@link #blackhole} (connections open, nothing passes, so clients time out),
 * {@link #refuse} new connections, {@link #resetConnections} (RST), then {@link #heal}. Each connection runs on four
 * virtual threads; {@link #close()} ends them all.
 */
public final class FaultProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final InetSocketAddress target;
    private final int port;
    private final LinkFaults faults = new LinkFaults();
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final ThreadFactory virtualThreads;
    private final AtomicLong accepted = new AtomicLong();
    private @Nullable ServerSocket listener;
    private @Nullable Thread acceptor;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target, int port) {
        this.target = target;
        this.port = port;
        this.virtualThreads =
                Thread.ofVirtual().name("fault-proxy-" + port + "-", 0).factory();
    }

    /** Starts a proxy to {@code host:port} on a free loopback port, forwarding normally. */
    public static FaultProxy start(String host, int port) {
        FaultProxy proxy = new FaultProxy(new InetSocketAddress(host, port), FreePorts.find());
        proxy.listen();
        return proxy;
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, what clients connect to. */
    public String address() {
        return LOOPBACK.getHostAddress() + ":" + port;
    }

    /** Holds every chunk for the given time before passing it on, each way; a pipelined stream keeps its pace. */
    public void delay(Duration toTarget, Duration toClient) {
        faults.delay(toTarget, toClient);
    }

    /** Passes nothing either way, on open and new connections alike, until {@link #heal()}; bytes are held, not lost. */
    public void blackhole() {
        faults.blackhole(true);
    }

    /** Stops listening, so new connections are refused; open ones go on. {@link #heal()} listens again. */
    public synchronized void refuse() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
            awaitEnd(acceptor);
        }
    }

    /** Resets every open connection (RST to both sides); returns how many there were. New ones are accepted. */
    public int resetConnections() {
        List<ProxiedConnection> open = List.copyOf(connections);
        open.forEach(ProxiedConnection::reset);
        return open.size();
    }

    /** Back to normal: no delay, no blackhole (held bytes flow), new connections accepted. */
    public synchronized void heal() {
        faults.clear();
        if (listener == null && !closed) {
            listen();
        }
    }

    /** Connections open through the proxy now. */
    public int openConnections() {
        return connections.size();
    }

    /** Connections accepted since the proxy started. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** The proxy's threads still running (none once closed). */
    public int liveThreads() {
        return (int) threads.stream().filter(Thread::isAlive).count();
    }

    private synchronized void listen() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, port), 512);
            listener = socket;
            acceptor = newThread(() -> acceptUntilClosed(socket));
            acceptor.start();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot listen on " + address(), ex);
        }
    }

    /**
     * Waits for the accepting thread to leave {@code accept()}: a socket closed while a virtual thread waits in it is
     * only really closed (and new connections refused) once that thread wakes up.
     */
    private static void awaitEnd(@Nullable Thread thread) {
        try {
            if (thread != null && !thread.join(JOIN_TIMEOUT)) {
                throw new IllegalStateException(thread + " still accepts connections");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptUntilClosed(ServerSocket socket) {
        while (true) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException ex) {
                return; // refused or closed
            }
            accepted.incrementAndGet();
            newThread(() -> connect(client)).start();
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, Math.toIntExact(CONNECT_TIMEOUT.toMillis()));
        } catch (IOException ex) {
            ProxiedConnection.abort(client);
            ProxiedConnection.abort(upstream);
            return;
        }
        ProxiedConnection connection = new ProxiedConnection(client, upstream, faults, connections::remove);
        connections.add(connection);
        connection.start(this::newThread);
        if (closed) {
            connection.reset();
        }
    }

    private Thread newThread(Runnable task) {
        Thread thread = virtualThreads.newThread(() -> {
            try {
                task.run();
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(thread);
        return thread;
    }

    /** Stops listening, resets every connection and waits for the proxy's threads to end. */
    @Override
    public void close() {
        closed = true;
        refuse();
        faults.clear();
        resetConnections();
        try {
            awaitThreadsEnded();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitThreadsEnded() throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        while (!threads.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fault proxy threads did not end: " + threads);
            }
            for (Thread thread : List.copyOf(threads)) {
                // a thread made but not started yet is started right after: wait for it on the next round
                if (thread.getState() != Thread.State.NEW) {
                    thread.join(Duration.ofMillis(50));
                }
            }
            Thread.onSpinWait();
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ex) {
            // the socket is gone either way
        }
    }

    @Override
    public String toString() {
        return "fault proxy " + address() + " -> " + target.getHostString() + ":" + target.getPort();
    }
}
