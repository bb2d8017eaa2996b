package dev.llmq.shared.query;

/** Thrown when a text or number is not a valid query id; carries the offending value. */
public class InvalidQueryIdException extends IllegalArgumentException {

    private final String value;

    public InvalidQueryIdException(String value) {
        super("not a valid query id: '" + abbreviate(value) + "' (expected a positive whole number)");
        this.value = value;
    }

    public String value() {
        return value;
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
