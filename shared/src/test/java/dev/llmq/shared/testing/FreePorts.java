package dev.llmq.shared.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a free loopback TCP port for a server a test starts (a Redis, a simulator, an api-service).
 *
 * <p>Ports come from 11000-20999, below the kernel's ephemeral range (32768 and up on Linux): no outgoing connection
 * or {@code bind(0)} of another process can take the port between this check and the server's own bind. Each test JVM
 * cycles through a block of its own ({@code llmq.test.fork}, Surefire's and Failsafe's fork number), so test JVMs
 * running side by side never hand out the same port, and a port freed by a stopped server is not handed out again
 * soon (a restarted server comes back on its old one). A Redis Cluster node's bus port (port + 10000 by default) would
 * land in 21000-30999, outside every block; {@code TestRedisCluster} names its bus ports explicitly anyway.
 */
public final class FreePorts {

    private static final int FIRST = 11_000;
    private static final int BLOCKS = 4;
    private static final int BLOCK_SIZE = 2_500;
    private static final int BLOCK_START = FIRST + BLOCK_SIZE * Math.floorMod(forkNumber() - 1, BLOCKS);

    private static int next = ThreadLocalRandom.current().nextInt(BLOCK_SIZE);

    private FreePorts() {}

    public static synchronized int find() {
        for (int tried = 0; tried < BLOCK_SIZE; tried++) {
            int port = BLOCK_START + next;
            next = (next + 1) % BLOCK_SIZE;
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException(
                "no free port in " + BLOCK_START + "-" + (BLOCK_START + BLOCK_SIZE - 1) + " on the loopback interface");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException ex) {
            return false;
        }
    }

    private static int forkNumber() {
        try {
            return Integer.parseInt(System.getProperty("llmq.test.fork", "1").strip());
        } catch (NumberFormatException ex) {
            return 1;
        }
    }
}
