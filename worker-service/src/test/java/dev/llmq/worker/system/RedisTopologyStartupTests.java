package dev.llmq.worker.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmq.shared.redis.InvalidRedisSettingsException;
import dev.llmq.worker.WorkerServiceApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Contradicting Redis settings stop the service at startup with a message that says what to set. */
@ExtendWith(OutputCaptureExtension.class)
class RedisTopologyStartupTests {

    @Test
    void aUrlAndClusterNodesTogetherStopStartupSayingWhatToSetWithoutThePassword(CapturedOutput output) {
        assertThatThrownBy(() -> WorkerServiceApplication.start(
                        "--server.port=0",
                        "--llmq.redis.url=redis://:hunter2secret@127.0.0.1:1",
                        "--llmq.redis.cluster-nodes=127.0.0.1:2,127.0.0.1:3"))
                .hasRootCauseInstanceOf(InvalidRedisSettingsException.class)
                .rootCause()
                .hasMessageContaining("REDIS_URL and LLMQ_REDIS_CLUSTER_NODES are set together")
                .hasMessageContaining("set only one of");
        assertThat(output.getAll()).doesNotContain("hunter2secret");
    }

    @Test
    void sentinelNodesWithoutAMasterNameStopStartup() {
        assertThatThrownBy(() -> WorkerServiceApplication.start(
                        "--server.port=0", "--llmq.redis.sentinel-nodes=127.0.0.1:26379", "--llmq.redis.password=pw"))
                .rootCause()
                .hasMessageContaining("set LLMQ_REDIS_SENTINEL_MASTER");
    }
}
