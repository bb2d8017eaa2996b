package dev.llmq.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.redisson.client.RedisTimeoutException;

class RedisFailuresTests {

    @Test
    void commandArgumentsNeverReachTheLogLine() {
        var ex = new RedisTimeoutException("Command execution timeout for command: (EVALSHA), params: [abc, 2,"
                + " {\"messages\":[{\"role\":\"user\",\"content\":\"my secret prompt\"}]}], Redis client: [addr=x]");

        assertThat(RedisFailures.describe(ex))
                .isEqualTo("RedisTimeoutException: Command execution timeout for command: (EVALSHA)"
                        + " (arguments not logged)")
                .doesNotContain("secret");
    }

    @Test
    void aMessageWithoutArgumentsIsKept() {
        assertThat(RedisFailures.describe(new IllegalStateException("connection refused")))
                .isEqualTo("IllegalStateException: connection refused");
        assertThat(RedisFailures.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
    }
}
