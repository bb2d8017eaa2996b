package dev.llmq.api.system;

import org.apache.coyote.UpgradeProtocol;
import org.apache.coyote.http2.Http2Protocol;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * With HTTP/2 on ({@code LLMQ_API_HTTP2=true}), lets every stream a connection may open run at once. Tomcat runs at
 * most 20 of a connection's streams by default and queues the rest until one ends, which suits streams that hold a
 * platform thread while they compute, not ours: a {@code GET /result} that waits holds a virtual thread and nothing
 * else, so a client with 21 or more waits on one connection saw the 21st wait only start when an earlier one ended
 * (seconds of delay at a few thousand waits, measured by the {@code waiters} benchmark).
 */
@Component
final class Http2StreamExecution implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            for (UpgradeProtocol protocol : connector.findUpgradeProtocols()) {
                if (protocol instanceof Http2Protocol http2) {
                    http2.setMaxConcurrentStreamExecution(
                            (int) Math.min(Integer.MAX_VALUE, http2.getMaxConcurrentStreams()));
                }
            }
        });
    }
}
