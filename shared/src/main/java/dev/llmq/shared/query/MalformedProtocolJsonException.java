package dev.llmq.shared.query;

/** Thrown when JSON read from Redis is not a valid query or outcome; carries the offending text. */
public class MalformedProtocolJsonException extends IllegalArgumentException {

    private final String json;

    public MalformedProtocolJsonException(String json, String reason) {
        super("malformed llmq JSON (" + reason + "): " + (json.length() <= 200 ? json : json.substring(0, 200) + "…"));
        this.json = json;
    }

    public String json() {
        return json;
    }
}
