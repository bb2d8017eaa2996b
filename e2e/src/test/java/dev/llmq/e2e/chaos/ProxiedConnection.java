package dev.llmq.e2e.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One client connection through a {@link FaultProxy} and the proxy's own connection to the target, with a pipe each
 * way. Each pipe is a reader and a writer thread around a bounded queue of chunks, each chunk stamped with the time it
 * may be delivered, so latency delays every chunk without slowing a pipelined stream, order is kept, and a blackholed
 * link holds bytes (as TCP retransmission would) until it heals; a full queue stops the reader, as a full TCP window
 * stops the sender. An end of stream is passed on as a half-close; a failure on either side resets both.
 */
final class ProxiedConnection {

    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int QUEUED_CHUNKS = 256;
    private static final byte[] END_OF_STREAM = new byte[0];

    private final Socket client;
    private final Socket upstream;
    private final LinkFaults faults;
    private final Consumer<ProxiedConnection> onClosed;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger directionsEnded = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    ProxiedConnection(Socket client, Socket upstream, LinkFaults faults, Consumer<ProxiedConnection> onClosed) {
        this.client = client;
        this.upstream = upstream;
        this.faults = faults;
        this.onClosed = onClosed;
    }

    void start(ThreadFactory factory) {
        BlockingQueue<Chunk> toTarget = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        BlockingQueue<Chunk> toClient = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        List<Thread> pipes = List.of(
                factory.newThread(() -> read(client, toTarget, true)),
                factory.newThread(() -> write(toTarget, upstream)),
                factory.newThread(() -> read(upstream, toClient, false)),
                factory.newThread(() -> write(toClient, client)));
        threads.addAll(pipes);
        pipes.forEach(Thread::start);
        if (closed.get()) {
            // reset before the threads were known: make sure none keeps waiting
            pipes.forEach(Thread::interrupt);
        }
    }

    private void read(Socket from, BlockingQueue<Chunk> queue, boolean towardsTarget) {
        byte[] buffer = new byte[CHUNK_BYTES];
        try {
            InputStream in = from.getInputStream();
            int read;
            do {
                read = in.read(buffer);
                long due = System.nanoTime() + faults.latencyNanos(towardsTarget);
                queue.put(new Chunk(read < 0 ? END_OF_STREAM : Arrays.copyOf(buffer, read), due));
            } while (read >= 0);
        } catch (IOException | InterruptedException ex) {
            reset();
        }
    }

    private void write(BlockingQueue<Chunk> queue, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk chunk = queue.take();
                faults.awaitDeliverable(chunk.dueNanos());
                if (chunk.bytes() == END_OF_STREAM) {
                    to.shutdownOutput();
                    if (directionsEnded.incrementAndGet() == 2) {
                        close();
                    }
                    return;
                }
                out.write(chunk.bytes());
            }
        } catch (IOException | InterruptedException ex) {
            reset();
        }
    }

    /** Aborts both sides with a TCP RST ({@code SO_LINGER 0}, then close), as a crashed peer or middlebox would. */
    void reset() {
        if (closed.compareAndSet(false, true)) {
            abort(client);
            abort(upstream);
            threads.forEach(Thread::interrupt);
            onClosed.accept(this);
        }
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(client);
            closeQuietly(upstream);
            onClosed.accept(this);
        }
    }

    static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ex) {
            // already closed: nothing left to reset
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ex) {
            // closing is best effort: the peer sees the connection end either way
        }
    }

    /** Bytes read from one side, and the {@link System#nanoTime()} from which they may reach the other. */
    private record Chunk(byte[] bytes, long dueNanos) {}
}
