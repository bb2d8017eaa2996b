package dev.llmq.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.FreePorts;
import dev.llmq.shared.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A service whose port another process took after {@link FreePorts} found it free starts again on another port, not
 * failing the test that started it.
 */
class ServiceStartIT {

    @Test
    void aServiceWhosePortWasTakenStartsAgainOnTheNextOne() throws IOException {
        int taken = FreePorts.find();
        int free = FreePorts.find();
        Iterator<Integer> ports = List.of(taken, free).iterator();
        List<ServiceProcess> started = new ArrayList<>();
        try (ServerSocket squatter = new ServerSocket(taken, 1, InetAddress.getLoopbackAddress())) {
            ServiceProcess.Listening simulator = ServiceProcess.startListening(
                    ports::next,
                    port -> {
                        ServiceProcess process =
                                ServiceProcess.start("llm-simulator", Map.of(), "--server.port=" + port);
                        started.add(process);
                        return process;
                    },
                    "Started LlmSimulatorApplication",
                    Cluster.STARTUP);

            assertThat(simulator.port()).isEqualTo(free);
            assertThat(started).hasSize(2);
            assertThat(started.getFirst().isAlive()).isFalse();
            assertThat(started.getFirst().output()).contains("Port " + taken + " was already in use");
            assertThat(simulator.process().isAlive()).isTrue();
        } finally {
            started.forEach(ServiceProcess::close);
        }
    }
}
