package dev.llmq.api.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.llmq.api.query.ApiProperties;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.query.Query;
import dev.llmq.shared.query.QueryId;
import dev.llmq.shared.redis.BatchStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.util.unit.DataSize;

/**
 * Fuzzes the reading of Batch API input files (JSONL): any file either gives requests the worker can read, each with
 * a unique {@code custom_id}, or fails the batch with errors that name a line of the file; only a file that is not
 * UTF-8 is refused outright, with the 400 of {@link InvalidBatchRequestException}.
 */
class BatchInputFuzzTests {

    private static final int MAX_LINES = 50;
    private static final ApiProperties API = new ApiProperties(
            Duration.ofSeconds(30),
            Duration.ofSeconds(120),
            DataSize.ofMegabytes(1),
            Duration.ofHours(24),
            Duration.ofMinutes(10),
            List.of("gpt-4o-mini", "gpt-4o"),
            Duration.ofHours(24),
            Duration.ofSeconds(30));
    private static final Set<String> ERROR_CODES = Set.of(
            "invalid_json_line",
            "invalid_custom_id",
            "invalid_method",
            "invalid_url",
            "invalid_body",
            "duplicate_custom_id",
            "empty_file",
            "too_many_lines");

    @FuzzTest(maxDuration = "5s")
    @DictionaryFile(resourcePath = "batch-input.dict")
    void anyInputFileGivesRequestsTheWorkerReadsOrErrorsNamingItsLines(byte[] file) {
        BatchInput.Parsed parsed;
        try {
            parsed = BatchInput.parse(file, API, MAX_LINES);
        } catch (InvalidBatchRequestException ex) {
            assertThat(isUtf8(file))
                    .as("refused whole though UTF-8: %s", ex.getMessage())
                    .isFalse();
            return;
        }
        int lineCount = BatchInput.lines(file).size();
        switch (parsed) {
            case BatchInput.Valid valid -> {
                assertThat(valid.lines()).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_LINES);
                Set<String> customIds = new HashSet<>();
                for (BatchStore.Line line : valid.lines()) {
                    assertThat(customIds.add(line.customId())).isTrue();
                    Query query = new Query(new QueryId(1), line.request(), Instant.EPOCH);
                    assertThat(ProtocolJson.decodeQuery(ProtocolJson.encode(query)))
                            .isEqualTo(query);
                }
            }
            case BatchInput.Invalid invalid -> {
                assertThat(invalid.errors()).isNotEmpty();
                for (BatchInput.LineError error : invalid.errors()) {
                    assertThat(error.code()).isIn(ERROR_CODES);
                    assertThat(error.message()).isNotBlank();
                    assertThat(error.line()).isBetween(0, lineCount);
                }
            }
        }
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException ex) {
            return false;
        }
    }
}
