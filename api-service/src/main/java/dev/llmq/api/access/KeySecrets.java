package dev.llmq.api.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Making and recognising API keys: {@code llmq_} and 32 random bytes in base64url, stored only as their SHA-256 hex
 * digest (enough for high-entropy tokens; no salt or slow hash needed).
 */
final class KeySecrets {

    private static final String PREFIX = "llmq_";
    private static final Pattern SHAPE = Pattern.compile(PREFIX + "[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether the token could be an API key at all; anything else is refused without asking Redis. */
    static boolean looksLikeKey(String token) {
        return SHAPE.matcher(token).matches();
    }

    /** Whether the token presents itself as an llmq key (right shape or not), so it must be checked, never ignored. */
    static boolean claimsToBeKey(String token) {
        return token.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    static String digest(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** Compares in time independent of where the two differ. */
    static boolean sameSecret(String given, String expected) {
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("every JVM has SHA-256", ex);
        }
    }
}
