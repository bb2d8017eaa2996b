package dev.llmq.shared.testing;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own Sentinel setup (a primary, a replica, one Sentinel unless told otherwise): declare
 * {@code @RegisterExtension static RedisSentinelExtension sentinel = new RedisSentinelExtension();}.
 */
public final class RedisSentinelExtension implements RedisExtension {

    private final int sentinels;
    private TestRedisSentinel setup;

    public RedisSentinelExtension() {
        this(1);
    }

    public RedisSentinelExtension(int sentinels) {
        this.sentinels = sentinels;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        setup = TestRedisSentinel.start(sentinels);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (setup != null) {
            setup.close();
        }
    }

    @Override
    public TestRedisSentinel redis() {
        if (setup == null) {
            throw new IllegalStateException("the Sentinel extension has not started: register it as a static field");
        }
        return setup;
    }
}
