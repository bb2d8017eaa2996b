package dev.llmq.simulator.chat;

/** Makes the body of the {@code malformed-json} fault: valid JSON cut in the middle, so no parser accepts it. */
final class MalformedJson {

    private MalformedJson() {}

    /** The first half of {@code json}, which is never valid JSON for an object. */
    static String of(String json) {
        return json.substring(0, json.length() / 2);
    }
}
