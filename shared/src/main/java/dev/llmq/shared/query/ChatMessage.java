package dev.llmq.shared.query;

import java.util.Locale;

/** One turn of a conversation sent to the LLM. */
public record ChatMessage(Role role, String content) {

    /** Longest accepted content of one message, in characters. */
    public static final int MAX_CONTENT_LENGTH = 1_000_000;

    public ChatMessage {
        if (content.isBlank()) {
            throw new InvalidQueryException("a " + role.wireName() + " message must have non-blank 'content'");
        }
        if (content.length() > MAX_CONTENT_LENGTH) {
            throw new InvalidQueryException(
                    "a message's 'content' must be at most " + MAX_CONTENT_LENGTH + " characters");
        }
    }

    /** Who speaks; the lower-case name is the wire form OpenAI uses. */
    public enum Role {
        SYSTEM,
        USER,
        ASSISTANT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role fromWireName(String name) {
            for (Role role : values()) {
                if (role.wireName().equals(name)) {
                    return role;
                }
            }
            throw new InvalidQueryException(
                    "'role' must be one of system, user, assistant; got '" + abbreviate(name) + "'");
        }

        private static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "…";
        }
    }
}
