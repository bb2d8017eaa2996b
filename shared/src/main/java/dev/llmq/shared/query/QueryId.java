package dev.llmq.shared.query;

/** The public id of a query: a positive number issued by Redis {@code INCR}, unique across replicas and restarts. */
public record QueryId(long value) {

    private static final int MAX_DIGITS = 18;

    public QueryId {
        if (value < 1) {
            throw new InvalidQueryIdException(Long.toString(value));
        }
    }

    /** Parses an id as clients send it: plain decimal digits, no sign, no spaces, at most 18 digits. */
    public static QueryId parse(String text) {
        if (text.isEmpty() || text.length() > MAX_DIGITS || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidQueryIdException(text);
        }
        return new QueryId(Long.parseLong(text));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
