package dev.llmq.e2e.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports a test may let go of and bind again, out of the way of the kernel's ephemeral ports. */
final class LoopbackPorts {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private LoopbackPorts() {}

    /**
     * A free loopback port below the kernel's ephemeral range, so that no outgoing connection takes it while its user
     * has let go of it (a {@link FaultProxy} refusing connections).
     */
    static int belowEphemeralRange() {
        int low = 10_000;
        int ephemeralStart = ephemeralRangeStart();
        for (int attempt = 0; attempt < 100 && ephemeralStart > low; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(low, ephemeralStart);
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(LOOPBACK, candidate));
                return candidate;
            } catch (IOException ex) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + low + " and " + ephemeralStart);
    }

    private static int ephemeralRangeStart() {
        // read line by line: procfs files report a size of 0, which some whole-file reads take at its word
        try (BufferedReader range = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException ex) {
            return 32_768; // the Linux default
        }
    }
}
