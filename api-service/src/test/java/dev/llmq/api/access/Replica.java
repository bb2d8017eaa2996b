package dev.llmq.api.access;

import dev.llmq.api.ApiServiceApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One api-service replica running in the test's JVM on a free port, as {@code java -jar} would start it. */
final class Replica implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private Replica(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a replica on {@code redisUrl}; {@code settings} are extra {@code name=value} properties. */
    static Replica start(String redisUrl, String... settings) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--llmq.redis.url=" + redisUrl));
        for (String setting : settings) {
            args.add("--" + setting);
        }
        return new Replica(ApiServiceApplication.start(args.toArray(String[]::new)));
    }

    int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    AccessClient client() {
        return new AccessClient(port());
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
