package dev.llmq.simulator.chat;

import dev.llmq.simulator.error.OpenAiApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code messages} array; content may be a string, {@code null} or an array of parts, of which the
 * {@code text} parts are kept (joined with a newline) and the others ignored.
 */
final class MessagesReader {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private MessagesReader() {}

    static List<ChatMessage> read(JsonNode request) {
        JsonNode messages = JsonFields.required(request, "messages", "messages");
        if (!messages.isArray()) {
            throw JsonFields.invalidType("messages", "an array of objects", messages);
        }
        if (messages.isEmpty()) {
            throw OpenAiApiException.invalidRequest(
                    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array"
                            + " instead.",
                    "messages",
                    "empty_array");
        }
        List<ChatMessage> result = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            result.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return result;
    }

    private static ChatMessage message(JsonNode message, String param) {
        if (!message.isObject()) {
            throw JsonFields.invalidType(param, "an object", message);
        }
        String role = JsonFields.requiredString(message, "role", param + ".role");
        if (!ROLES.contains(role)) {
            throw OpenAiApiException.invalidRequest(
                    "Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', 'user', 'function',"
                            + " 'tool', and 'developer'.",
                    param + ".role",
                    "invalid_value");
        }
        return new ChatMessage(role, text(message, param + ".content"));
    }

    private static String text(JsonNode message, String param) {
        JsonNode content = JsonFields.optional(message, "content");
        if (content == null) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            throw JsonFields.invalidType(param, "one of a string or array of objects", content);
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partParam = param + "[" + i + "]";
            if (!part.isObject()) {
                throw JsonFields.invalidType(partParam, "an object", part);
            }
            if ("text".equals(JsonFields.requiredString(part, "type", partParam + ".type"))) {
                texts.add(JsonFields.requiredString(part, "text", partParam + ".text"));
            }
        }
        return String.join("\n", texts);
    }
}
