package dev.llmq.shared.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryLookup;
import dev.llmq.shared.redis.AnswerDeltas;
import dev.llmq.shared.redis.ResultStore;
import dev.llmq.shared.redis.TimedRedis;
import dev.llmq.shared.redis.WorkQueue;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.redisson.client.RedisTimeoutException;

class RedisCommandMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RedisCommandMetrics metrics = new RedisCommandMetrics();

    @Test
    void eachOperationOfATimedSeamIsRecordedUnderItsSeamAndMethodName() {
        metrics.bindTo(registry);
        ResultStore timed =
                TimedRedis.timed(ResultStore.class, id -> new QueryLookup.Unknown(), "result_store", metrics);

        timed.lookup(new QueryId(1));
        timed.lookup(new QueryId(2));

        Timer timer = registry.get("llmq.redis.command.duration")
                .tag("operation", "result_store.lookup")
                .tag("outcome", "success")
                .timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.getId().getDescription()).isNotBlank();
        assertThat(Arrays.stream(timer.takeSnapshot().histogramCounts()).map(CountAtBucket::bucket))
                .contains(TimeUnit.MILLISECONDS.toNanos(1) * 1.0, TimeUnit.SECONDS.toNanos(5) * 1.0);
    }

    @Test
    void aRedisFailureIsRecordedAsAnErrorAndStillThrown() {
        metrics.bindTo(registry);
        ResultStore failing = TimedRedis.timed(
                ResultStore.class,
                id -> {
                    throw new RedisTimeoutException("no answer");
                },
                "result_store",
                metrics);

        assertThatThrownBy(() -> failing.lookup(new QueryId(1))).isInstanceOf(RedisTimeoutException.class);

        assertThat(registry.get("llmq.redis.command.duration")
                        .tag("operation", "result_store.lookup")
                        .tag("outcome", "error")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void anotherExceptionIsThrownUnwrappedAndCountsAsAnAnswerFromRedis() {
        metrics.bindTo(registry);
        ResultStore refusing = TimedRedis.timed(
                ResultStore.class,
                id -> {
                    throw new IllegalStateException("a decision, not a Redis failure");
                },
                "result_store",
                metrics);

        assertThatThrownBy(() -> refusing.lookup(new QueryId(1))).isInstanceOf(IllegalStateException.class);

        assertThat(registry.get("llmq.redis.command.duration")
                        .tag("outcome", "success")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void subscribingAndClosingSendNoCommandOfTheirOwnAndAreNotTimed() {
        metrics.bindTo(registry);
        List<String> calls = new ArrayList<>();
        AnswerDeltas deltas =
                TimedRedis.timed(AnswerDeltas.class, new RecordingDeltas(calls), "answer_deltas", metrics);

        deltas.subscribe((id, offset, text) -> {});
        deltas.close();
        deltas.append(new QueryId(1), 0, "piece");

        assertThat(calls).containsExactly("subscribe", "close", "append");
        assertThat(registry.find("llmq.redis.command.duration").timers())
                .extracting(timer -> timer.getId().getTag("operation"))
                .containsExactly("answer_deltas.append");
    }

    @Test
    void theOperationsOfASeamAreAClosedSetNamedAfterItsMethods() {
        assertThat(TimedRedis.operations(WorkQueue.class, "work_queue"))
                .contains("work_queue.read", "work_queue.finish", "work_queue.keepAlive")
                .doesNotContain("work_queue.consumer", "work_queue.toString")
                .allMatch(name -> name.matches("work_queue\\.[a-zA-Z]+"));
    }

    @Test
    void timingsBeforeTheRegistryIsBoundAreDropped() {
        metrics.record("result_store.lookup", false, 1_000);
        metrics.bindTo(registry);

        assertThat(registry.find("llmq.redis.command.duration").timers()).isEmpty();
    }

    /** Records which methods were called, and does nothing else. */
    private record RecordingDeltas(List<String> calls) implements AnswerDeltas {

        @Override
        public void append(QueryId id, int offset, String text) {
            calls.add("append");
        }

        @Override
        public String readFrom(QueryId id, int offset) {
            calls.add("readFrom");
            return "";
        }

        @Override
        public void subscribe(Listener listener) {
            calls.add("subscribe");
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }
}
