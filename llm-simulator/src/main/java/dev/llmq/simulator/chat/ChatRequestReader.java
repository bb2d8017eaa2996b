package dev.llmq.simulator.chat;

import dev.llmq.simulator.error.OpenAiApiException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses and validates a {@code POST /v1/chat/completions} body like OpenAI does, rejecting it with a 400 error;
 * parameters the simulator does not act on ({@code n}, {@code top_p}, tools...) are ignored.
 */
@Component
class ChatRequestReader {

    private static final String NOT_JSON = "We could not parse the JSON body of your request. The OpenAI API expects a"
            + " JSON payload, but what was sent was not valid JSON.";

    private final JsonMapper jsonMapper;

    ChatRequestReader(JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
    }

    ChatRequest read(byte @Nullable [] body) {
        JsonNode request = parse(body);
        String model = JsonFields.requiredString(request, "model", "model");
        List<ChatMessage> messages = MessagesReader.read(request);
        Long maxTokens = maxTokens(request);
        checkTemperature(request);
        boolean stream = JsonFields.optionalBoolean(request, "stream", "stream");
        return new ChatRequest(model, messages, maxTokens, stream, includeUsage(request, stream));
    }

    private JsonNode parse(byte @Nullable [] body) {
        if (body == null || body.length == 0) {
            throw OpenAiApiException.invalidRequest(NOT_JSON, null, null);
        }
        JsonNode request;
        try {
            request = jsonMapper.readTree(body);
        } catch (JacksonException ex) {
            throw OpenAiApiException.invalidRequest(NOT_JSON, null, null);
        }
        if (request == null || !request.isObject()) {
            throw OpenAiApiException.invalidRequest(NOT_JSON, null, null);
        }
        return request;
    }

    private static @Nullable Long maxTokens(JsonNode request) {
        Long maxCompletionTokens = positiveInteger(request, "max_completion_tokens");
        return maxCompletionTokens != null ? maxCompletionTokens : positiveInteger(request, "max_tokens");
    }

    private static @Nullable Long positiveInteger(JsonNode request, String name) {
        JsonNode value = JsonFields.optional(request, name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw JsonFields.invalidType(name, "an integer", value);
        }
        if (value.bigIntegerValue().signum() <= 0) {
            throw OpenAiApiException.invalidRequest(
                    "Invalid '" + name + "': integer below minimum value. Expected a value >= 1, but got "
                            + value.bigIntegerValue() + " instead.",
                    name,
                    "integer_below_min_value");
        }
        return value.canConvertToLong() ? value.longValue() : Long.MAX_VALUE;
    }

    private static void checkTemperature(JsonNode request) {
        JsonNode value = JsonFields.optional(request, "temperature");
        if (value == null) {
            return;
        }
        if (!value.isNumber()) {
            throw JsonFields.invalidType("temperature", "a decimal", value);
        }
        double temperature = value.doubleValue();
        if (temperature < 0 || temperature > 2) {
            String bound = temperature < 0
                    ? "below minimum value. Expected a value >= 0"
                    : "above maximum value. Expected a value <= 2";
            throw OpenAiApiException.invalidRequest(
                    "Invalid 'temperature': decimal " + bound + ", but got " + value + " instead.",
                    "temperature",
                    temperature < 0 ? "decimal_below_min_value" : "decimal_above_max_value");
        }
    }

    private static boolean includeUsage(JsonNode request, boolean stream) {
        JsonNode options = JsonFields.optional(request, "stream_options");
        if (options == null) {
            return false;
        }
        if (!stream) {
            throw OpenAiApiException.invalidRequest(
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options", null);
        }
        if (!options.isObject()) {
            throw JsonFields.invalidType("stream_options", "an object", options);
        }
        return JsonFields.optionalBoolean(options, "include_usage", "stream_options.include_usage");
    }
}
