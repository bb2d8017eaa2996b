package dev.llmq.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import dev.llmq.shared.query.Usage;
import dev.llmq.shared.testing.Outcomes;
import dev.llmq.worker.processing.ProcessingMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueryProcessingMetersTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QueryProcessingMeters meters =
            new QueryProcessingMeters(Set.of("gpt-4o-mini", "llama3"), Set.of("default", "local"));

    @BeforeEach
    void bind() {
        meters.bindTo(registry);
    }

    @Test
    void countersExistAtZeroBeforeTheFirstEventAndEveryMeterIsDescribed() {
        assertThat(registry.get("llmq.queries.completed").counters())
                .extracting(counter -> counter.getId().getTag("outcome"))
                .containsExactlyInAnyOrder("succeeded", "failed", "cancelled", "expired");
        assertThat(registry.get("llmq.provider.rate.limited").counters())
                .extracting(counter -> counter.getId().getTag("provider"))
                .containsExactlyInAnyOrder("default", "local");
        assertThat(registry.get("llmq.queries.reclaimed").counter().count()).isZero();
        assertThat(registry.get("llmq.queries.dead.lettered").counter().count()).isZero();
        assertThat(registry.get("llmq.queries.in.flight").gauge().value()).isZero();
        assertThat(registry.getMeters())
                .allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank())
                .allSatisfy(meter -> assertThat(meter.getId().getBaseUnit()).isNotBlank());
    }

    @Test
    void aCallIsInFlightUntilItEndsAndItsTimesAndTokensAreRecordedByModel() {
        Query query = query(Priority.HIGH);

        meters.callStarted(query, Duration.ofMillis(40));
        assertThat(registry.get("llmq.queries.in.flight").gauge().value()).isEqualTo(1);
        meters.callEnded("llama3", true, Duration.ofSeconds(2), Duration.ofMillis(300), new Usage(11, 22));

        assertThat(registry.get("llmq.queries.in.flight").gauge().value()).isZero();
        assertThat(registry.get("llmq.query.queue.duration")
                        .tag("priority", "high")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("llmq.query.model.duration")
                        .tags("model", "llama3", "outcome", "succeeded")
                        .timer()
                        .totalTime(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(2);
        assertThat(registry.get("llmq.query.first.token.duration")
                        .tag("model", "llama3")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("llmq.tokens")
                        .tags("model", "llama3", "type", "input")
                        .counter()
                        .count())
                .isEqualTo(11);
        assertThat(registry.get("llmq.tokens")
                        .tags("model", "llama3", "type", "output")
                        .counter()
                        .count())
                .isEqualTo(22);
    }

    @Test
    void aModelOutsideTheConfigurationIsTaggedOtherSoClientsCannotGrowTheSeries() {
        meters.callStarted(query(Priority.NORMAL), Duration.ZERO);
        meters.callEnded("made-up-by-a-client", false, Duration.ofMillis(5), null, Usage.NONE);

        assertThat(registry.find("llmq.query.model.duration").timers())
                .extracting(timer -> timer.getId().getTag("model"))
                .containsExactly("other");
        assertThat(registry.find("llmq.query.first.token.duration").timers()).isEmpty();
    }

    @Test
    void aStoredOutcomeCountsOnceWithItsEndToEndTime() {
        Instant submitted = Instant.parse("2026-12-01T12:00:00Z");
        Outcome outcome = new Outcome(
                new QueryId(7),
                TenantId.LOCAL,
                submitted,
                submitted,
                1,
                submitted.plusSeconds(90),
                Outcomes.answered(new QueryId(7), "x").result());

        meters.outcomeStored(outcome);

        assertThat(registry.get("llmq.queries.completed")
                        .tag("outcome", "succeeded")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("llmq.query.duration")
                        .tag("outcome", "succeeded")
                        .timer()
                        .totalTime(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(90);
    }

    @Test
    void retryReasonsAreAClosedSet() {
        meters.retried("llm_rate_limited");
        meters.retried("llm_unreachable");
        meters.retried(ProcessingMetrics.PROVIDER_BUDGET);
        meters.retried("something_new");
        meters.providerRateLimited("local");
        meters.reclaimed(3);
        meters.deadLettered();

        assertThat(registry.get("llmq.queries.retried").counters())
                .extracting(counter -> counter.getId().getTag("reason"))
                .containsExactlyInAnyOrder("rate_limited", "connection", "provider_budget", "other");
        assertThat(registry.get("llmq.provider.rate.limited")
                        .tag("provider", "local")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("llmq.queries.reclaimed").counter().count()).isEqualTo(3);
        assertThat(registry.get("llmq.queries.dead.lettered").counter().count()).isEqualTo(1);
    }

    @Test
    void timersPublishHistogramBucketsFromMillisecondsToMinutes() {
        meters.callStarted(query(Priority.LOW), Duration.ofMinutes(3));

        var buckets =
                registry.get("llmq.query.queue.duration").timer().takeSnapshot().histogramCounts();
        assertThat(buckets).hasSizeGreaterThan(10);
        assertThat(buckets[0].bucket(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(5);
        assertThat(buckets[buckets.length - 1].bucket(java.util.concurrent.TimeUnit.MINUTES))
                .isEqualTo(10);
        assertThat(registry.getMeters()).extracting(Meter::getId).isNotEmpty();
    }

    private static Query query(Priority priority) {
        return Query.submitted(
                new QueryId(1),
                QueryRequest.ofPrompt("hi"),
                Instant.now(),
                new Submission(TenantId.LOCAL, priority, null));
    }
}
