package dev.llmq.api.access;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a request's {@code Authorization} header offers: nothing, a bearer token, or something unusable. */
sealed interface Credentials {

    /** Longer tokens are refused unread; keys are 48 characters. */
    int MAX_TOKEN_LENGTH = 512;

    Pattern BEARER = Pattern.compile("(?i)bearer +([\\x21-\\x7e]+) *");

    /** No {@code Authorization} header. */
    record None() implements Credentials {}

    /** A bearer token; its {@code toString} never shows it. */
    record Bearer(String token) implements Credentials {
        @Override
        public String toString() {
            return "Bearer[***]";
        }
    }

    /** A header that is not one well-formed bearer token; {@code reason} says why without echoing it. */
    record Malformed(String reason) implements Credentials {}

    static Credentials of(HttpServletRequest request) {
        List<String> headers = Collections.list(request.getHeaders("Authorization"));
        if (headers.isEmpty()) {
            return new None();
        }
        if (headers.size() > 1) {
            return new Malformed("send one Authorization header, not " + headers.size());
        }
        String header = headers.getFirst();
        if (header.length() > MAX_TOKEN_LENGTH + 16) {
            return new Malformed("the Authorization header is too long to hold an API key");
        }
        Matcher bearer = BEARER.matcher(header);
        if (!bearer.matches()) {
            return new Malformed("use 'Authorization: Bearer <key>'");
        }
        return new Bearer(bearer.group(1));
    }
}
