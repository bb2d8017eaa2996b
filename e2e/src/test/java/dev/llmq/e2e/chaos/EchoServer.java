package dev.llmq.e2e.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP echo server on a free loopback port for {@link FaultProxyTests}: sends back every byte it reads, closes when
 * its client closes, and remembers how each of its connections ended.
 */
final class EchoServer implements AutoCloseable {

    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<String> endings = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    private EchoServer(ServerSocket listener) {
        this.listener = listener;
    }

    static EchoServer start() {
        try {
            ServerSocket listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
            EchoServer server = new EchoServer(listener);
            server.threads.add(Thread.ofVirtual().start(server::acceptUntilClosed));
            return server;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How each finished connection ended: {@code "closed"} by its client, or the exception's message. */
    List<String> endings() {
        return List.copyOf(endings);
    }

    /** Closes every open connection from the server's side (a FIN, as Redis closing an idle client). */
    void closeAllConnections() throws IOException {
        for (Socket socket : List.copyOf(open)) {
            socket.close();
        }
    }

    private void acceptUntilClosed() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                threads.add(Thread.ofVirtual().start(() -> echo(socket)));
            } catch (IOException ex) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
            endings.add("closed");
        } catch (IOException ex) {
            endings.add(String.valueOf(ex.getMessage()));
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        closeAllConnections();
        for (Thread thread : threads) {
            thread.join();
        }
    }

    @Override
    public String toString() {
        return "echo server on " + new InetSocketAddress(listener.getInetAddress(), port());
    }
}
