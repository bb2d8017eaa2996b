package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtocolJsonTests {

    private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

    @Test
    void queryRoundTripsThroughPlainJson() {
        Query query = new Query(new QueryId(7), "Hello \"world\"", NOW);

        String json = ProtocolJson.encode(query);

        assertThat(json)
                .isEqualTo("{\"id\":7,\"messages\":[{\"role\":\"user\",\"content\":\"Hello \\\"world\\\"\"}],"
                        + "\"submitted_at\":\"2026-11-24T10:15:30Z\",\"attempt\":1,\"tenant\":\"local\","
                        + "\"in_flight_counted\":false}");
        assertThat(ProtocolJson.decodeQuery(json)).isEqualTo(query);
    }

    @Test
    void aQueryCarriesTheTraceContextItWasEnqueuedInAcrossAttempts() {
        TraceParent trace = new TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Query query = new Query(new QueryId(7), "traced", NOW).withTraceParent(trace);

        String json = ProtocolJson.encode(query);

        assertThat(json).contains(",\"traceparent\":\"" + trace.value() + "\",");
        assertThat(ProtocolJson.decodeQuery(json)).isEqualTo(query);
        assertThat(ProtocolJson.decodeQuery(ProtocolJson.encode(query.nextAttempt()))
                        .traceParent())
                .isEqualTo(trace);
    }

    @Test
    void aQueryCountedAgainstItsTenantsCapSaysSoAcrossAttemptsAndAnEntryThatDoesNotSayIsTakenAsCounted() {
        Query counted = new Query(new QueryId(7), "capped", NOW).countedInFlight();

        assertThat(ProtocolJson.decodeQuery(ProtocolJson.encode(counted.nextAttempt()))
                        .inFlightCounted())
                .isTrue();
        assertThat(ProtocolJson.decodeQuery(ProtocolJson.encode(new Query(new QueryId(7), "uncapped", NOW)))
                        .inFlightCounted())
                .isFalse();
        // written before the field existed, or by another client: ending it stops counting it, as it always did
        assertThat(ProtocolJson.decodeQuery("{\"id\":7,\"prompt\":\"old\",\"submitted_at\":\"2026-11-24T10:15:30Z\"}")
                        .inFlightCounted())
                .isTrue();
    }

    @Test
    void aQueryWithoutTraceContextIsWrittenAsBeforeAndReadWithNone() {
        String json = "{\"id\":7,\"prompt\":\"old entry\",\"submitted_at\":\"2026-11-24T10:15:30Z\"}";

        assertThat(ProtocolJson.decodeQuery(json).traceParent()).isNull();
        assertThat(ProtocolJson.encode(new Query(new QueryId(7), "untraced", NOW)))
                .doesNotContain("traceparent");
    }

    @Test
    void anInvalidTraceContextIsIgnoredAndTheQueryStillRead() {
        for (String traceparent : new String[] {"\"00-nope\"", "42", "null", "{\"a\":1}"}) {
            String json = "{\"id\":7,\"prompt\":\"p\",\"submitted_at\":\"2026-11-24T10:15:30Z\"," + "\"traceparent\":"
                    + traceparent + "}";

            Query query = ProtocolJson.decodeQuery(json);

            assertThat(query.traceParent()).as(traceparent).isNull();
            assertThat(query.prompt()).isEqualTo("p");
        }
    }

    @Test
    void answeredOutcomeCarriesTextAsTheSeedShows() {
        Outcome outcome = new Outcome(
                new QueryId(1),
                new TenantId("acme"),
                NOW.minusSeconds(2),
                NOW.minusSeconds(1),
                1,
                NOW,
                new Outcome.Answered("Hi!", "gpt-4o-mini", new Usage(3, 2), Timing.UNKNOWN));

        String json = ProtocolJson.encode(outcome);

        assertThat(json)
                .isEqualTo("{\"id\":1,\"status\":\"succeeded\",\"text\":\"Hi!\",\"model\":\"gpt-4o-mini\","
                        + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5},"
                        + "\"timing\":{\"queued_ms\":0,\"model_ms\":0},\"attempts\":1,"
                        + "\"submitted_at\":\"2026-11-24T10:15:28Z\",\"started_at\":\"2026-11-24T10:15:29Z\","
                        + "\"completed_at\":\"2026-11-24T10:15:30Z\",\"tenant\":\"acme\"}");
        assertThat(ProtocolJson.decodeOutcome(json)).isEqualTo(outcome);
    }

    @Test
    void failedOutcomeHasAnErrorAndNoText() {
        Outcome outcome =
                outcome(2, new Outcome.Failed(new QueryError("llm_error", "401 from provider"), Timing.UNKNOWN));

        String json = ProtocolJson.encode(outcome);

        assertThat(json)
                .contains("\"status\":\"failed\"", "\"error\":{\"code\":\"llm_error\"")
                .doesNotContain("text");
        assertThat(ProtocolJson.decodeOutcome(json)).isEqualTo(outcome);
    }

    @Test
    void aConversationWithModelAndOptionsRoundTrips() {
        QueryRequest request = new QueryRequest(
                List.of(
                        new ChatMessage(ChatMessage.Role.SYSTEM, "Be brief."),
                        new ChatMessage(ChatMessage.Role.USER, "Hi"),
                        new ChatMessage(ChatMessage.Role.ASSISTANT, "Hello."),
                        new ChatMessage(ChatMessage.Role.USER, "Bye")),
                "gpt-4o",
                new GenerationOptions(50, 0.2, 0.9, List.of("END"), 7L, GenerationOptions.ResponseFormat.JSON_OBJECT));
        Query query = new Query(new QueryId(9), request, NOW, 3);

        String json = ProtocolJson.encode(query);

        assertThat(json).contains("\"model\":\"gpt-4o\"", "\"max_tokens\":50", "\"response_format\":\"json_object\"");
        assertThat(ProtocolJson.decodeQuery(json)).isEqualTo(query);
        assertThat(query.prompt()).isEqualTo("Bye");
    }

    @Test
    void aQueryWithoutAttemptFromAnOlderWriterIsItsFirstAttempt() {
        Query query =
                ProtocolJson.decodeQuery("{\"id\":3,\"prompt\":\"hi\",\"submitted_at\":\"2026-11-24T10:15:30Z\"}");

        assertThat(query.attempt()).isEqualTo(1);
        assertThat(ProtocolJson.decodeQuery(ProtocolJson.encode(query.nextAttempt()))
                        .attempt())
                .isEqualTo(2);
    }

    @Test
    void aFailureAfterACallCarriesItsTiming() {
        Outcome outcome = new Outcome(
                new QueryId(3),
                TenantId.LOCAL,
                NOW.minusSeconds(90),
                NOW.minusSeconds(60),
                2,
                NOW,
                new Outcome.Failed(
                        new QueryError("llm_timeout", "no token"),
                        new Timing(java.time.Duration.ofMillis(1500), java.time.Duration.ofMillis(60_000), null)));

        String json = ProtocolJson.encode(outcome);

        assertThat(json).contains("\"timing\":{\"queued_ms\":1500,\"model_ms\":60000}", "\"attempts\":2");
        assertThat(ProtocolJson.decodeOutcome(json)).isEqualTo(outcome);
    }

    @Test
    void malformedJsonIsRejectedKeepingTheOffendingTextOutOfTheMessage() {
        assertThatThrownBy(() -> ProtocolJson.decodeQuery("{\"id\":\"x\"}"))
                .isInstanceOf(MalformedProtocolJsonException.class)
                .hasMessageContaining("'id' must be a whole number")
                .hasMessageNotContaining("{\"id\":\"x\"}")
                .satisfies(ex ->
                        assertThat(((MalformedProtocolJsonException) ex).json()).isEqualTo("{\"id\":\"x\"}"));
        assertThatThrownBy(() -> ProtocolJson.decodeQuery("not json"))
                .isInstanceOf(MalformedProtocolJsonException.class);
        assertThatThrownBy(() -> ProtocolJson.decodeOutcome(
                        "{\"id\":1,\"status\":\"queued\",\"completed_at\":\"2026-11-24T10:15:30Z\"}"))
                .isInstanceOf(MalformedProtocolJsonException.class);
    }

    @Test
    void optionsOfTheWrongTypeMakeAMalformedEntryTheWorkerDeadLetters() {
        // found by QueryJsonFuzzTests: these threw Jackson's JsonNodeException, which the worker does not dead-letter
        for (String options : new String[] {
            "{\"stop\":[{\"a\":1}]}",
            "{\"stop\":[[\"x\"]]}",
            "{\"stop\":[null]}",
            "{\"temperature\":{}}",
            "{\"top_p\":[0.5]}",
            "{\"temperature\":\"0.5\"}"
        }) {
            String json =
                    "{\"id\":7,\"prompt\":\"p\",\"submitted_at\":\"2026-11-24T10:15:30Z\",\"options\":" + options + "}";

            assertThatThrownBy(() -> ProtocolJson.decodeQuery(json))
                    .as(options)
                    .isInstanceOf(MalformedProtocolJsonException.class);
        }
    }

    @Test
    void cancelledAndExpiredOutcomesCarryTheirStatusAndNoText() {
        Outcome cancelled = outcome(4, new Outcome.Cancelled());
        Outcome expired = new Outcome(
                new QueryId(5), new TenantId("t1"), NOW.minusSeconds(9), null, 0, NOW, new Outcome.Expired(NOW));

        assertThat(ProtocolJson.encode(cancelled))
                .contains("\"status\":\"cancelled\"")
                .doesNotContain("text");
        assertThat(ProtocolJson.encode(expired))
                .contains("\"status\":\"expired\"", "\"deadline\":\"2026-11-24T10:15:30Z\"", "\"attempts\":0")
                .doesNotContain("started_at");
        assertThat(ProtocolJson.decodeOutcome(ProtocolJson.encode(cancelled))).isEqualTo(cancelled);
        assertThat(ProtocolJson.decodeOutcome(ProtocolJson.encode(expired))).isEqualTo(expired);
        assertThat(ProtocolJson.tenantOfOutcome(ProtocolJson.encode(expired))).isEqualTo(new TenantId("t1"));
    }

    @Test
    void aQueryCarriesItsTenantPriorityAndDeadline() {
        Query query = Query.submitted(
                new QueryId(11),
                QueryRequest.ofPrompt("hi"),
                NOW,
                new Submission(new TenantId("acme"), Priority.HIGH, NOW.plusSeconds(60)));

        String json = ProtocolJson.encode(query);

        assertThat(json)
                .contains("\"tenant\":\"acme\"", "\"priority\":\"high\"", "\"deadline\":\"2026-11-24T10:16:30Z\"");
        assertThat(ProtocolJson.decodeQuery(json)).isEqualTo(query);
        assertThat(query.expiredAt(NOW.plusSeconds(60))).isFalse();
        assertThat(query.expiredAt(NOW.plusSeconds(61))).isTrue();
    }

    @Test
    void anOutcomeFromBeforeTenantsBelongsToTheLocalTenant() {
        String old = "{\"id\":1,\"status\":\"failed\",\"error\":{\"code\":\"llm_error\",\"message\":\"x\"},"
                + "\"attempts\":1,\"completed_at\":\"2026-11-24T10:15:30Z\"}";

        assertThat(ProtocolJson.decodeOutcome(old).tenant()).isEqualTo(TenantId.LOCAL);
        assertThat(ProtocolJson.tenantOfOutcome(old)).isEqualTo(TenantId.LOCAL);
    }

    private static Outcome outcome(long id, Outcome.Result result) {
        return new Outcome(new QueryId(id), TenantId.LOCAL, NOW.minusSeconds(3), null, 1, NOW, result);
    }
}
