package dev.llmq.simulator.chat;

/** One message of a chat request, with its content reduced to plain text. */
record ChatMessage(String role, String text) {

    static final String USER = "user";

    boolean isUser() {
        return USER.equals(role);
    }
}
