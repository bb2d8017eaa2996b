package dev.llmq.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryState;
import dev.llmq.shared.query.QueryStatus;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.redis.QueryControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryApiMetersTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger streaming = new AtomicInteger();
    private final QueryApiMeters meters = new QueryApiMeters(waiting::get, streaming::get);

    @BeforeEach
    void bind() {
        meters.bindTo(registry);
    }

    @Test
    void everyTagValueExistsAtZeroAndEveryMeterIsDescribed() {
        assertThat(registry.get("llmq.queries.submitted").counters())
                .extracting(counter -> counter.getId().getTag("priority"))
                .containsExactlyInAnyOrder("high", "normal", "low");
        assertThat(registry.get("llmq.queries.refused").counters())
                .extracting(counter -> counter.getId().getTag("reason"))
                .containsExactlyInAnyOrder("rate_limited", "in_flight_cap", "invalid", "overloaded");
        assertThat(registry.get("llmq.queries.completed").counters())
                .extracting(counter -> counter.getId().getTag("outcome"))
                .containsExactlyInAnyOrder("cancelled", "expired");
        assertThat(registry.getMeters())
                .allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank())
                .allSatisfy(meter -> assertThat(meter.getId().getBaseUnit()).isNotBlank());
    }

    @Test
    void gaugesFollowTheWaitersAndStreamsHeldNow() {
        waiting.set(3);
        streaming.set(2);

        assertThat(registry.get("llmq.result.waiters").gauge().value()).isEqualTo(3);
        assertThat(registry.get("llmq.result.streams").gauge().value()).isEqualTo(2);
    }

    @Test
    void aCancelOrExpiryCountsOnlyWhenThisReplicasWriteWon() {
        QueryControl control = new CountingQueryControl(new ScriptedControl(), meters);
        QueryState state = new QueryState(
                new QueryId(1), QueryStatus.QUEUED, TenantId.LOCAL, Instant.EPOCH, null, 0, Instant.EPOCH);

        control.cancel(new QueryId(1), TenantId.LOCAL);
        control.cancel(new QueryId(2), TenantId.LOCAL);
        control.cancel(new QueryId(3), TenantId.LOCAL);
        control.expire(state);
        control.expire(state);

        assertThat(registry.get("llmq.queries.completed")
                        .tag("outcome", "cancelled")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("llmq.queries.completed")
                        .tag("outcome", "expired")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    /** Cancels query 1, finds 2 ended and 3 unknown; expires once, then finds the expiry stored. */
    private static final class ScriptedControl implements QueryControl {

        private boolean expired;

        @Override
        public CancelResult cancel(QueryId id, TenantId tenant) {
            return switch ((int) id.value()) {
                case 1 -> new CancelResult.Cancelled("{}");
                case 2 -> new CancelResult.AlreadyEnded("{}");
                default -> new CancelResult.NotFound();
            };
        }

        @Override
        public ExpireResult expire(QueryState state) {
            ExpireResult result = expired ? new ExpireResult.AlreadyEnded("{}") : new ExpireResult.Expired("{}");
            expired = true;
            return result;
        }
    }
}
