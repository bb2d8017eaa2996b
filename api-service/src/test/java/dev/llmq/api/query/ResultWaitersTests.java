package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.QueryId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ResultWaitersTests {

    /** Only a resubscription or a recheck reads the store; these tests do neither (rechecks off). */
    private final ResultWaiters waiters = new ResultWaiters(
            null,
            new ApiProperties(
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(120),
                    DataSize.ofMegabytes(1),
                    Duration.ofHours(24),
                    Duration.ofMinutes(10),
                    List.of("gpt-4o-mini"),
                    Duration.ofHours(24),
                    Duration.ZERO));

    @Test
    void aWaiterRegisteredWhileAnotherForTheSameQueryClosesStillGetsTheOutcome() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < 20_000; round++) {
                QueryId id = new QueryId(round + 1);
                ResultWaiters.Waiter leaving = waiters.register(id);
                CyclicBarrier start = new CyclicBarrier(2);
                threads.submit(() -> {
                    start.await();
                    leaving.close();
                    return null;
                });
                Future<ResultWaiters.Waiter> arriving = threads.submit(() -> {
                    start.await();
                    return waiters.register(id);
                });
                ResultWaiters.Waiter waiter = arriving.get();

                waiters.onOutcome(id, "{\"id\":" + id + "}");

                assertThat(waiter.await(Duration.ZERO)).as("round %d", round).isPresent();
                waiter.close();
            }
        }
        assertThat(waiters.size()).isZero();
    }
}
