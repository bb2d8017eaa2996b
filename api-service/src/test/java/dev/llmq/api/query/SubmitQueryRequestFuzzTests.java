package dev.llmq.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmq.shared.query.InvalidQueryException;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.query.QueryRequest;
import dev.llmq.shared.query.Submission;
import dev.llmq.shared.query.TenantId;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the validation of {@code POST /query} bodies: every body the JSON mapping lets through either becomes a query
 * that travels to the worker unchanged (encoded on the stream and decoded back equal) or is refused with one of the
 * two exceptions the API answers with 400. Anything else would be a 5xx. The mapping is lenient here (the service's
 * is strict), so the validation sees every record the service's mapper can build, and more.
 */
class SubmitQueryRequestFuzzTests {

    private static final JsonMapper LENIENT = JsonMapper.builder().build();
    private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");
    private static final TenantId TENANT = new TenantId("acme");

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "submit-query.dict")
    void anyBodyBecomesAQueryTheWorkerReadsOrIsRefusedWithA400(byte[] body) {
        SubmitQueryRequest request;
        try {
            request = LENIENT.readValue(body, SubmitQueryRequest.class);
        } catch (JacksonException ex) {
            return; // an unreadable body is a 400 before any of llmq's code runs
        }
        if (request == null) {
            return; // a JSON null is a missing body: 400 as well
        }
        QueryRequest query;
        Submission submission;
        try {
            query = request.toQueryRequest();
            submission = request.submission(TENANT, NOW, NOW.plus(Duration.ofHours(24)));
        } catch (InvalidQueryRequestException | InvalidQueryException ex) {
            assertThat(ex.getMessage()).isNotBlank();
            return;
        }
        Query queued = Query.submitted(new QueryId(1), query, NOW, submission);
        assertThat(ProtocolJson.decodeQuery(ProtocolJson.encode(queued))).isEqualTo(queued);
    }
}
