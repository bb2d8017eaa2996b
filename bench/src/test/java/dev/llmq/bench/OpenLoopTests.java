package dev.llmq.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class OpenLoopTests {

    @Test
    void offersTheRateWhateverTheRequestsTake() throws Exception {
        OpenLoop.Report report =
                OpenLoop.run(200, Duration.ofSeconds(1), Duration.ofSeconds(5), i -> Thread.sleep(100));

        assertThat(report.offered()).isEqualTo(200);
        assertThat(report.completed()).isEqualTo(200);
        assertThat(report.percentileMillis(50)).isGreaterThanOrEqualTo(100);
    }

    @Test
    void measuresFromWhenARequestWasDueSoAStallShowsInEveryLaterRequest() throws Exception {
        // every request due in the first 500 ms waits for a stall of the system that ends then: an open loop keeps
        // offering meanwhile, and each stalled request counts from its due time, so the 40 requests due in the first
        // 200 ms all show more than 300 ms (a closed loop would have recorded one slow request and a lower rate)
        CountDownLatch stall = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            stall.countDown();
        });
        OpenLoop.Report report = OpenLoop.run(200, Duration.ofSeconds(1), Duration.ofSeconds(5), i -> stall.await());

        assertThat(report.offered()).isEqualTo(200);
        assertThat(report.latencyMicros().getMaxValue() / 1000).isGreaterThanOrEqualTo(450);
        assertThat(report.percentileMillis(80)).isGreaterThanOrEqualTo(250);
    }

    @Test
    void countsFailuresApart() throws Exception {
        OpenLoop.Report report = OpenLoop.run(100, Duration.ofMillis(500), Duration.ofSeconds(5), i -> {
            if (i % 2 == 0) {
                throw new java.io.IOException("refused " + i);
            }
        });

        assertThat(report.offered()).isEqualTo(50);
        assertThat(report.completed()).isEqualTo(25);
        assertThat(report.failed()).isEqualTo(25);
        assertThat(report.lastError()).startsWith("java.io.IOException: refused");
    }
}
