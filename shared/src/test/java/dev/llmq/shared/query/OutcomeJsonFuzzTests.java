package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the decoding of stored outcomes ({@code query_result_<id>}, also published on its channel), which the
 * api-service reads back to answer {@code GET /result}, cancels and batch output: whatever the key holds,
 * {@link ProtocolJson#decodeOutcome} either returns an outcome that survives a round trip unchanged or throws
 * {@link MalformedProtocolJsonException}, and so does {@link ProtocolJson#tenantOfOutcome}.
 */
class OutcomeJsonFuzzTests {

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({
        "\"id\":",
        "\"status\":",
        "\"text\":",
        "\"model\":",
        "\"usage\":",
        "\"prompt_tokens\":",
        "\"completion_tokens\":",
        "\"total_tokens\":",
        "\"timing\":",
        "\"queued_ms\":",
        "\"model_ms\":",
        "\"first_token_ms\":",
        "\"error\":",
        "\"code\":",
        "\"message\":",
        "\"deadline\":",
        "\"attempts\":",
        "\"submitted_at\":",
        "\"started_at\":",
        "\"completed_at\":",
        "\"tenant\":",
        "\"succeeded\"",
        "\"failed\"",
        "\"cancelled\"",
        "\"expired\"",
        "\"queued\"",
        "\"running\"",
        "\"2026-11-24T10:15:30Z\"",
        "9223372036854775807",
        "-9223372036854775808",
        "-1",
        "1e3",
        "null",
        "[]",
        "{}"
    })
    void decodingAnyStoredOutcomeGivesAReadableOutcomeOrMalformedJson(byte[] stored) {
        String json = new String(stored, StandardCharsets.UTF_8);
        Outcome outcome;
        try {
            outcome = ProtocolJson.decodeOutcome(json);
        } catch (MalformedProtocolJsonException ex) {
            assertThat(ex.json()).isEqualTo(json);
            return;
        }
        assertThat(ProtocolJson.tenantOfOutcome(json)).isEqualTo(outcome.tenant());
        String encoded = ProtocolJson.encode(outcome);
        assertThat(ProtocolJson.decodeOutcome(encoded)).isEqualTo(outcome);
        assertThat(ProtocolJson.encode(ProtocolJson.decodeOutcome(encoded))).isEqualTo(encoded);
    }
}
