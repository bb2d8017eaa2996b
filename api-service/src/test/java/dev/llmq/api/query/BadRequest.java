package dev.llmq.api.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of a bad-input table: a request sent as raw bytes, the 4xx it must get, and a phrase the problem's
 * {@code detail} must contain. Build rows with {@link #post}, {@link #get} or {@link #delete} and the {@code with…}
 * methods; the batch and access endpoints add their rows the same way.
 */
record BadRequest(
        String name,
        String method,
        String target,
        Map<String, String> headers,
        String body,
        int status,
        String detail) {

    BadRequest {
        headers = Map.copyOf(headers);
    }

    /** A JSON POST to {@code path} with {@code body}. */
    static BadRequest post(String path, String name, String body, int status, String detail) {
        return new BadRequest(
                "POST " + path + " with " + name,
                "POST",
                path,
                Map.of("Content-Type", "application/json"),
                body,
                status,
                detail);
    }

    static BadRequest get(String target, int status, String detail) {
        return new BadRequest("GET " + target, "GET", target, Map.of(), "", status, detail);
    }

    static BadRequest delete(String target, int status, String detail) {
        return new BadRequest("DELETE " + target, "DELETE", target, Map.of(), "", status, detail);
    }

    /** The same request with one more header line, sent as given (control characters and all). */
    BadRequest withHeader(String header, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(header, value);
        return new BadRequest(
                name + " and " + header + ": " + printable(value), method, target, more, body, status, detail);
    }

    @Override
    public String toString() {
        return printable(name) + " -> " + status;
    }

    private static String printable(String text) {
        String shown = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
        return shown.length() <= 80 ? shown : shown.substring(0, 80) + "…";
    }
}
