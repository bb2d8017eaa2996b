package dev.llmq.simulator.chat;

import dev.llmq.simulator.error.OpenAiApiException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Reads request fields the way OpenAI validates them, failing with OpenAI's messages and codes. */
final class JsonFields {

    private JsonFields() {}

    /** The field {@code name} of {@code parent}, or {@code null} when it is absent or JSON {@code null}. */
    static @Nullable JsonNode optional(JsonNode parent, String name) {
        JsonNode value = parent.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** The field {@code name} of {@code parent}; {@code param} is its path in the request, for the error. */
    static JsonNode required(JsonNode parent, String name, String param) {
        JsonNode value = optional(parent, name);
        if (value == null) {
            throw OpenAiApiException.invalidRequest(
                    "Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
        }
        return value;
    }

    static String requiredString(JsonNode parent, String name, String param) {
        JsonNode value = required(parent, name, param);
        if (!value.isString()) {
            throw invalidType(param, "a string", value);
        }
        return value.stringValue();
    }

    static boolean optionalBoolean(JsonNode parent, String name, String param) {
        JsonNode value = optional(parent, name);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalidType(param, "a boolean", value);
        }
        return value.booleanValue();
    }

    static OpenAiApiException invalidType(String param, String expected, JsonNode actual) {
        return OpenAiApiException.invalidRequest(
                "Invalid type for '" + param + "': expected " + expected + ", but got " + describe(actual)
                        + " instead.",
                param,
                "invalid_type");
    }

    private static String describe(JsonNode node) {
        if (node.isString()) {
            return "a string";
        }
        if (node.isIntegralNumber()) {
            return "an integer";
        }
        if (node.isNumber()) {
            return "a decimal";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "null";
    }
}
