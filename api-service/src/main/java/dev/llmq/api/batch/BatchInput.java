package dev.llmq.api.batch;

import dev.llmq.api.query.ApiProperties;
import dev.llmq.shared.redis.BatchStore;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads a batch input file (JSONL, one request per line) and checks every line as {@code POST /query} would check it,
 * so a batch either has only valid lines or fails whole with each bad line named.
 */
final class BatchInput {

    static final String CHAT_COMPLETIONS = "/v1/chat/completions";
    private static final int MAX_ERRORS = 100;
    private static final int MAX_CUSTOM_ID = 512;

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(
                    DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .withCoercionConfig(
                    LogicalType.Textual,
                    config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Array, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Object, CoercionAction.Fail))
            .build();

    private BatchInput() {}

    /** What reading a file gave: every line as a request, or the errors that fail the batch. */
    sealed interface Parsed {}

    record Valid(List<BatchStore.Line> lines) implements Parsed {}

    record Invalid(List<LineError> errors) implements Parsed {}

    /** One problem with the input, in OpenAI's {@code errors.data[]} shape; {@code line} is 1-based, 0 for the file. */
    record LineError(String code, String message, int line) {}

    /** The non-blank lines of a file, with their 1-based line numbers; fails on bytes that are not UTF-8. */
    static List<String> lines(byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException ex) {
            throw new InvalidBatchRequestException("the file is not UTF-8 text");
        }
        return List.of(text.split("\r?\n", -1));
    }

    static Parsed parse(byte[] content, ApiProperties api, int maxLines) {
        List<String> raw = lines(content);
        List<BatchStore.Line> lines = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        Set<String> customIds = new HashSet<>();
        for (int i = 0; i < raw.size() && errors.size() < MAX_ERRORS; i++) {
            if (raw.get(i).isBlank()) {
                continue;
            }
            try {
                BatchStore.Line line = parseLine(raw.get(i), api);
                if (!customIds.add(line.customId())) {
                    throw new LineException("duplicate_custom_id", "custom_id '" + line.customId() + "' is used twice");
                }
                lines.add(line);
            } catch (LineException ex) {
                errors.add(new LineError(ex.code, ex.getMessage(), i + 1));
            }
        }
        if (errors.isEmpty() && lines.isEmpty()) {
            errors.add(new LineError("empty_file", "the input file holds no requests", 0));
        }
        if (lines.size() > maxLines) {
            errors.add(new LineError("too_many_lines", "a batch holds at most " + maxLines + " requests", 0));
        }
        return errors.isEmpty() ? new Valid(lines) : new Invalid(errors);
    }

    private static BatchStore.Line parseLine(String text, ApiProperties api) {
        InputLine line;
        try {
            line = STRICT.readValue(text, InputLine.class);
        } catch (JacksonException ex) {
            throw new LineException("invalid_json_line", "not a valid request line: " + ex.getOriginalMessage());
        }
        if (line == null) {
            throw new LineException("invalid_json_line", "each line must be a JSON object");
        }
        if (line.customId() == null
                || line.customId().isEmpty()
                || line.customId().length() > MAX_CUSTOM_ID) {
            throw new LineException("invalid_custom_id", "'custom_id' must be a string of 1 to 512 characters");
        }
        if (!"POST".equals(line.method())) {
            throw new LineException("invalid_method", "'method' must be POST");
        }
        if (!CHAT_COMPLETIONS.equals(line.url())) {
            throw new LineException("invalid_url", "'url' must be " + CHAT_COMPLETIONS);
        }
        if (line.body() == null) {
            throw new LineException("invalid_body", "'body' is required");
        }
        try {
            var request = line.body().toQueryRequest();
            api.requireAllowed(request.model());
            return new BatchStore.Line(line.customId(), request);
        } catch (IllegalArgumentException ex) {
            throw new LineException("invalid_body", ex.getMessage());
        }
    }

    /** A bad line, with OpenAI-style error code. */
    private static final class LineException extends RuntimeException {

        private final String code;

        LineException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
