package dev.llmq.shared.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the decoding of stream entries, which anyone with access to Redis can write: whatever an entry holds,
 * {@link ProtocolJson#decodeQuery} either returns a query that survives a round trip unchanged or throws
 * {@link MalformedProtocolJsonException}, the one failure the worker dead-letters. Anything else would stop the
 * consumer on an entry it can neither process nor move aside.
 */
class QueryJsonFuzzTests {

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "stream-entry.dict")
    void decodingAnyEntryGivesAReadableQueryOrMalformedJson(byte[] entry) {
        String json = new String(entry, StandardCharsets.UTF_8);
        Query query;
        try {
            query = ProtocolJson.decodeQuery(json);
        } catch (MalformedProtocolJsonException ex) {
            assertThat(ex.json()).isEqualTo(json);
            return;
        }
        String encoded = ProtocolJson.encode(query);
        assertThat(ProtocolJson.decodeQuery(encoded)).isEqualTo(query);
        assertThat(ProtocolJson.encode(ProtocolJson.decodeQuery(encoded))).isEqualTo(encoded);
    }
}
