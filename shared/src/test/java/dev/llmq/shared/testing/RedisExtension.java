package dev.llmq.shared.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;

/** A JUnit extension that gives a test class its own real Redis of one topology for the class's lifetime. */
public interface RedisExtension extends BeforeAllCallback, AfterAllCallback {

    RedisDeployment redis();
}
