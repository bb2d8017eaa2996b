package dev.llmq.api.system;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Caps the connections Tomcat serves at once at what the heap can hold, unless {@code SERVER_TOMCAT_MAX_CONNECTIONS}
 * (or {@code server.tomcat.max-connections}) is set.
 *
 * <p>Every connection with a request in progress holds about {@value #BYTES_PER_CONNECTION} bytes of Tomcat's buffers
 * (its request and response char and byte buffers, header buffers and socket buffers; 63-85 KB measured live), whether
 * the request is being served, waiting for a place in admission control, parked in a {@code GET /result?wait=}, or
 * only read and waiting for a (virtual) thread to run on. Request threads are virtual, so a replica offered more than
 * it can serve dispatches every request it reads at once; only the connection limit bounds how many are held. The
 * {@code overhead} benchmark (1,500 queries a second offered to a replica serving 130) took a 1 GB api past its heap
 * within 20 s with Tomcat's limit at 20,000: the acceptor and poller threads died of {@link OutOfMemoryError} and the
 * replica never accepted a connection again. With the cap, what is beyond it waits in the listen backlog
 * ({@code SERVER_TOMCAT_ACCEPT_COUNT}) and then is refused by the kernel, which a client sees at once and can retry
 * elsewhere, and the heap stays bounded.
 *
 * <p>{@value #HEAP_SHARE_PERCENT} % of the maximum heap goes to connections, leaving the rest to everything else under
 * load: 4,369 connections for a 1 GB heap, 20,000 (the most) from about 4.6 GB. A JVM without compressed object
 * pointers (ZGC, which the api's container image runs, or a heap of 32 GB and more) holds about {@value
 * #BYTES_PER_CONNECTION_WIDE_POINTERS} bytes per connection instead (the {@code waiters} benchmark: 102 KB per parked
 * wait live with ZGC, 83 KB with G1): 3,495 connections for a 1 GB heap. HTTP/2 streams are not counted: with
 * {@code LLMQ_API_HTTP2=true} each connection may carry up to 100 requests, so size the heap for the streams.
 */
@Component
final class ConnectionBudget implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    static final long BYTES_PER_CONNECTION = 96 * 1024;
    static final long BYTES_PER_CONNECTION_WIDE_POINTERS = 120 * 1024;
    static final int HEAP_SHARE_PERCENT = 40;
    static final int MIN_CONNECTIONS = 256;
    static final int MAX_CONNECTIONS = 20_000;

    private static final Logger log = LoggerFactory.getLogger(ConnectionBudget.class);

    private final Environment environment;

    ConnectionBudget(Environment environment) {
        this.environment = environment;
    }

    /**
     * The connections a heap of {@code maxHeapBytes} holds: its share over the bytes per connection, within bounds.
     */
    static int forHeap(long maxHeapBytes, boolean compressedPointers) {
        long connections = maxHeapBytes / 100 * HEAP_SHARE_PERCENT / bytesPerConnection(compressedPointers);
        return Math.clamp(connections, MIN_CONNECTIONS, MAX_CONNECTIONS);
    }

    static long bytesPerConnection(boolean compressedPointers) {
        return compressedPointers ? BYTES_PER_CONNECTION : BYTES_PER_CONNECTION_WIDE_POINTERS;
    }

    /** Whether this JVM compresses object pointers; if it cannot tell, assumes not (the larger figure per connection). */
    static boolean compressedPointers() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseCompressedOops")
                    .getValue());
        } catch (RuntimeException ex) {
            return false;
        }
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        if (environment.containsProperty("server.tomcat.max-connections")) {
            return;
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        boolean compressedPointers = compressedPointers();
        int connections = forHeap(maxHeap, compressedPointers);
        log.info(
                "serving at most {} connections at once ({} MB of heap; about {} KB each while a request is in"
                        + " progress); set SERVER_TOMCAT_MAX_CONNECTIONS to change",
                connections,
                maxHeap / (1024 * 1024),
                bytesPerConnection(compressedPointers) / 1024);
        factory.addConnectorCustomizers(
                connector -> connector.setProperty("maxConnections", String.valueOf(connections)));
    }

    /** After Spring Boot's own customizer, which sets Tomcat's default of 8,192. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
