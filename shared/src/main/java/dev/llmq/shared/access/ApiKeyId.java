package dev.llmq.shared.access;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The public handle of an API key ({@code key_} and 24 hex digits): listed, logged and used to revoke it. */
public record ApiKeyId(String value) {

    private static final Pattern SHAPE = Pattern.compile("key_[0-9a-f]{24}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public ApiKeyId {
        if (!SHAPE.matcher(value).matches()) {
            throw new InvalidApiKeyIdException(value);
        }
    }

    /** A fresh random id. */
    public static ApiKeyId random() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return new ApiKeyId("key_" + HexFormat.of().formatHex(bytes));
    }

    @Override
    public String toString() {
        return value;
    }
}
