package dev.llmq.shared.testing;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own real Redis: declare {@code @RegisterExtension static RedisServerExtension redis = new
 * RedisServerExtension();} and use {@link #redis()}.
 */
public final class RedisServerExtension implements RedisExtension {

    private final boolean appendOnly;
    private TestRedis redis;

    public RedisServerExtension() {
        this(false);
    }

    public RedisServerExtension(boolean appendOnly) {
        this.appendOnly = appendOnly;
    }

    /** A Redis with an append-only file, for tests that restart it and expect the data back. */
    public static RedisServerExtension withAppendOnlyFile() {
        return new RedisServerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = TestRedis.start(appendOnly);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    public TestRedis redis() {
        if (redis == null) {
            throw new IllegalStateException("the Redis extension has not started: register it as a static field");
        }
        return redis;
    }
}
