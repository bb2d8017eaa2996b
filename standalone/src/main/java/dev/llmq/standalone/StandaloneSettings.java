package dev.llmq.standalone;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the one-command run reads from the environment: the same variables as the separate services, plus where the
 * embedded Redis keeps its data.
 *
 * @param redisUrl {@code REDIS_URL}, or null to use localhost:6379 if it answers, else an embedded Redis
 * @param redisMode {@code LLMQ_STANDALONE_REDIS}: {@code auto} (default) or {@code embedded} to skip the local probe
 * @param embeddedRedisPort {@code LLMQ_STANDALONE_REDIS_PORT}, default 6379 (a free port when that one is taken)
 * @param dataDir {@code LLMQ_STANDALONE_DATA_DIR}, default {@code .llmq} in the working directory
 * @param openAiApiKey {@code OPENAI_API_KEY}; without it (and without {@code OPENAI_BASE_URL}) answers are simulated
 * @param openAiBaseUrl {@code OPENAI_BASE_URL}, for any OpenAI-compatible server
 * @param port {@code PORT}, where the api-service listens (default 8080)
 * @param redisNodesSet whether {@code LLMQ_REDIS_SENTINEL_NODES} or {@code LLMQ_REDIS_CLUSTER_NODES} is set: the
 *     services then find Redis through them, and no local or embedded Redis is used
 * @param logFormat {@code LLMQ_LOG_FORMAT}: {@code text} (default here, human-readable lines), {@code json} (as the
 *     separately deployed services log by default), {@code ecs} or {@code logstash}
 */
record StandaloneSettings(
        @Nullable String redisUrl,
        String redisMode,
        int embeddedRedisPort,
        Path dataDir,
        @Nullable String openAiApiKey,
        @Nullable String openAiBaseUrl,
        int port,
        boolean redisNodesSet,
        String logFormat) {

    private static final Set<String> LOG_FORMATS = Set.of("text", "json", "ecs", "logstash");

    StandaloneSettings {
        if (!redisMode.equals("auto") && !redisMode.equals("embedded")) {
            throw new IllegalArgumentException(
                    "LLMQ_STANDALONE_REDIS must be 'auto' or 'embedded', not '" + redisMode + "'");
        }
        if (!LOG_FORMATS.contains(logFormat)) {
            throw new IllegalArgumentException(
                    "LLMQ_LOG_FORMAT must be 'text', 'json', 'ecs' or 'logstash', not '" + logFormat + "'");
        }
    }

    static StandaloneSettings from(Map<String, String> env) {
        return new StandaloneSettings(
                blankToNull(env.get("REDIS_URL")),
                orDefault(env.get("LLMQ_STANDALONE_REDIS"), "auto"),
                port(env, "LLMQ_STANDALONE_REDIS_PORT", 6379, 1),
                Path.of(orDefault(env.get("LLMQ_STANDALONE_DATA_DIR"), ".llmq")),
                blankToNull(env.get("OPENAI_API_KEY")),
                blankToNull(env.get("OPENAI_BASE_URL")),
                port(env, "PORT", 8080, 0),
                blankToNull(env.get("LLMQ_REDIS_SENTINEL_NODES")) != null
                        || blankToNull(env.get("LLMQ_REDIS_CLUSTER_NODES")) != null,
                orDefault(env.get("LLMQ_LOG_FORMAT"), "text"));
    }

    /** Whether the worker should call the built-in simulator instead of a real provider. */
    boolean simulated() {
        return openAiApiKey == null && openAiBaseUrl == null;
    }

    /** A TCP port from {@code name}: at least {@code min} (0 lets the system pick one) and at most 65535. */
    private static int port(Map<String, String> env, String name, int defaultValue, int min) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= min && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException ex) {
            // reported below, like an out-of-range number
        }
        throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'");
    }

    private static String orDefault(@Nullable String value, String defaultValue) {
        String present = blankToNull(value);
        return present == null ? defaultValue : present;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
