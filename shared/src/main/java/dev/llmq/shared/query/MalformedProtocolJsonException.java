package dev.llmq.shared.query;

/**
 * Thrown when JSON read from Redis is not a valid query or outcome; carries the offending text, which its message
 * leaves out because it may hold a prompt or an answer.
 */
public class MalformedProtocolJsonException extends IllegalArgumentException {

    private final String json;

    public MalformedProtocolJsonException(String json, String reason) {
        super("malformed llmq JSON (" + reason + ", " + json.length() + " characters)");
        this.json = json;
    }

    public String json() {
        return json;
    }
}
