package dev.llmq.shared.query;

/** A tenant name that is not 1-64 letters, digits, {@code .}, {@code _} or {@code -}. */
public final class InvalidTenantException extends IllegalArgumentException {

    private final String value;

    public InvalidTenantException(String value) {
        super("a tenant is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit; got '"
                + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'");
        this.value = value;
    }

    public String value() {
        return value;
    }
}
