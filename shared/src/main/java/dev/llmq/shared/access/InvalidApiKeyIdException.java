package dev.llmq.shared.access;

/** A string that is not an API key id ({@code key_} and 24 lowercase hex digits). */
public final class InvalidApiKeyIdException extends IllegalArgumentException {

    public InvalidApiKeyIdException(String value) {
        super("a key id is 'key_' and 24 lowercase hex digits; got '"
                + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'");
    }
}
