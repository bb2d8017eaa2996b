package dev.llmq.simulator.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The simulator's tokenizer: a token is a whitespace-separated word. */
final class Tokens {

    private static final Pattern WORD = Pattern.compile("\\S+");
    private static final Pattern WORD_WITH_LEADING_SPACE = Pattern.compile("\\s*\\S+");

    private Tokens() {}

    /** Counts the whitespace-separated words of {@code text}. */
    static int count(String text) {
        return (int) WORD.matcher(text).results().count();
    }

    /**
     * Splits {@code text} into one piece per word, each carrying the whitespace before it (trailing whitespace goes
     * with the last word), so that the pieces concatenate back to {@code text} exactly. Whitespace-only text has no
     * tokens.
     */
    static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = WORD_WITH_LEADING_SPACE.matcher(text);
        int end = 0;
        while (matcher.find()) {
            tokens.add(matcher.group());
            end = matcher.end();
        }
        if (!tokens.isEmpty() && end < text.length()) {
            int last = tokens.size() - 1;
            tokens.set(last, tokens.get(last) + text.substring(end));
        }
        return List.copyOf(tokens);
    }
}
