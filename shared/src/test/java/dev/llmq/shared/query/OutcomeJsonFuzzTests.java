package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the decoding of stored outcomes ({@code query_result_<id>}, also published on its channel), which the
 * api-service reads back to answer {@code GET /result}, cancels and batch output: whatever the key holds,
 * {@link ProtocolJson#decodeOutcome} either returns an outcome that survives a round trip unchanged or throws
 * {@link MalformedProtocolJsonException}, and so does {@link ProtocolJson#tenantOfOutcome}.
 */
class OutcomeJsonFuzzTests {

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "outcome.dict")
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
