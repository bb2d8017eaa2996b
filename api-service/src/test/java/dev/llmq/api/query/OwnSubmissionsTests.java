package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.query.Priority;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a replica may answer a wait with without reading Redis, and when it must read. */
class OwnSubmissionsTests {

    private static final TenantId ACME = new TenantId("acme");

    private final MovingClock clock = new MovingClock();
    private final OwnSubmissions own = new OwnSubmissions(clock);

    @BeforeEach
    void subscribed() {
        own.onResubscribed();
    }

    @Test
    void aQuerySubmittedUnderTheCurrentSubscriptionIsKnownPendingThenWithItsOutcome() {
        submit(1, TenantId.LOCAL, null);

        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).contains(new OwnSubmissions.Known(null));
        own.onOutcome(new QueryId(1), "{\"status\":\"succeeded\"}");
        assertThat(own.known(new QueryId(1), TenantId.LOCAL))
                .contains(new OwnSubmissions.Known("{\"status\":\"succeeded\"}"));
    }

    @Test
    void anotherTenantsQueryOrOneSubmittedElsewhereMustBeRead() {
        submit(1, ACME, null);

        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).isEmpty();
        assertThat(own.known(new QueryId(2), ACME)).isEmpty();
        own.onOutcome(new QueryId(2), "{}");
        assertThat(own.known(new QueryId(2), ACME)).isEmpty();
    }

    @Test
    void aResubscriptionOrNoSubscriptionAtAllMeansReading() {
        long before = own.subscription();
        submit(1, TenantId.LOCAL, null);
        own.onResubscribed();
        submit(2, TenantId.LOCAL, null);

        assertThat(own.subscription()).isGreaterThan(before);
        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).isEmpty();
        assertThat(own.known(new QueryId(2), TenantId.LOCAL)).isPresent();
        OwnSubmissions never = new OwnSubmissions(clock);
        never.submitting(query(3, TenantId.LOCAL, null));
        assertThat(never.known(new QueryId(3), TenantId.LOCAL)).isEmpty();
    }

    @Test
    void aPendingQueryPastItsDeadlineMustBeReadToBeExpired() {
        submit(1, TenantId.LOCAL, clock.instant().plusSeconds(2));

        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).isPresent();
        clock.advance(Duration.ofSeconds(3));
        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).isEmpty();
    }

    @Test
    void queriesAreForgottenAfterTheWindowAndBeyondTheMost() {
        submit(1, TenantId.LOCAL, null);
        clock.advance(OwnSubmissions.WINDOW.plusSeconds(1));
        submit(2, TenantId.LOCAL, null);

        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).isEmpty();
        assertThat(own.size()).isEqualTo(1);
        for (int id = 3; id < OwnSubmissions.MOST + 10; id++) {
            submit(id, TenantId.LOCAL, null);
        }
        assertThat(own.size()).isEqualTo(OwnSubmissions.MOST);
        assertThat(own.known(new QueryId(2), TenantId.LOCAL)).isEmpty();
        assertThat(own.known(new QueryId(OwnSubmissions.MOST + 9), TenantId.LOCAL))
                .isPresent();
    }

    @Test
    void anOutcomeAfterTheWindowIsNotKeptAndItsQueryIsRead() {
        submit(1, TenantId.LOCAL, null);
        clock.advance(OwnSubmissions.WINDOW.plusSeconds(1));

        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).isEmpty();
        own.onOutcome(new QueryId(1), "{}");
        assertThat(own.size()).isZero();
        assertThat(own.outcomeChars()).isZero();
    }

    @Test
    void outcomesBeyondTheirBudgetAreNotKeptAndTheirQueriesAreRead() {
        String half = "x".repeat((int) (OwnSubmissions.MOST_OUTCOME_CHARS / 2));
        submit(1, TenantId.LOCAL, null);
        submit(2, TenantId.LOCAL, null);
        submit(3, TenantId.LOCAL, null);

        own.onOutcome(new QueryId(1), half);
        own.onOutcome(new QueryId(2), half);
        own.onOutcome(new QueryId(3), "{}");

        assertThat(own.known(new QueryId(1), TenantId.LOCAL)).contains(new OwnSubmissions.Known(half));
        assertThat(own.known(new QueryId(2), TenantId.LOCAL)).contains(new OwnSubmissions.Known(half));
        assertThat(own.known(new QueryId(3), TenantId.LOCAL)).isEmpty();
        assertThat(own.outcomeChars()).isEqualTo(OwnSubmissions.MOST_OUTCOME_CHARS);
        clock.advance(OwnSubmissions.WINDOW.plusSeconds(1));
        submit(4, TenantId.LOCAL, null);
        assertThat(own.outcomeChars()).isZero();
        assertThat(own.size()).isEqualTo(1);
    }

    private void submit(long id, TenantId tenant, @Nullable Instant deadline) {
        own.submitting(query(id, tenant, deadline));
    }

    private Query query(long id, TenantId tenant, @Nullable Instant deadline) {
        return Query.submitted(
                new QueryId(id),
                QueryRequest.ofPrompt("hello"),
                clock.instant(),
                new Submission(tenant, Priority.NORMAL, deadline));
    }

    private static final class MovingClock extends Clock {

        private Instant now = Instant.parse("2026-12-03T06:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
