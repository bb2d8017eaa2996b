package dev.llmq.worker.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class WorkerPropertiesTests {

    @Test
    void finishedEntriesAreAcknowledgedTogetherEvery50MillisecondsByDefaultAndZeroTurnsThatOff() {
        assertThat(bind(Map.of()).ackInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(bind(Map.of("llmq.worker.ack-interval", "0")).ackInterval()).isZero();
    }

    @Test
    void anAcknowledgementIntervalLongerThanHalfTheReclaimTimeIsRefusedByName() {
        // a finished entry left pending that long could be reclaimed and looked at again by another worker
        assertThatThrownBy(() -> bind(Map.of("llmq.worker.ack-interval", "6s", "llmq.worker.reclaim-after", "10s")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("LLMQ_WORKER_ACK_INTERVAL");
        assertThat(bind(Map.of("llmq.worker.ack-interval", "5s", "llmq.worker.reclaim-after", "10s"))
                        .ackInterval())
                .isEqualTo(Duration.ofSeconds(5));
    }

    private static WorkerProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("llmq.worker", WorkerProperties.class);
    }
}
