package dev.llmq.api.batch;

import dev.llmq.shared.query.Outcome;
import dev.llmq.shared.query.ProtocolJson;
import dev.llmq.shared.redis.BatchStore;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a line's outcome into its line of the output file (an answer, in OpenAI's chat completion shape) or of the
 * error file (a failure, cancellation, expiry or lost result, with {@code response: null} and an {@code error}).
 */
final class ResultLines {

    private ResultLines() {}

    /** The result line for an outcome stored as JSON, or for a query whose result is gone ({@code outcomeJson} null). */
    static BatchStore.ResultLine of(String batchId, int line, String customId, @Nullable String outcomeJson) {
        if (outcomeJson == null) {
            return error(batchId, line, customId, "result_unavailable", "the query's result is no longer available");
        }
        Outcome outcome = ProtocolJson.decodeOutcome(outcomeJson);
        return switch (outcome.result()) {
            case Outcome.Answered answered -> answer(batchId, line, customId, outcome, answered);
            case Outcome.Failed failed ->
                error(
                        batchId,
                        line,
                        customId,
                        failed.error().code(),
                        failed.error().message());
            case Outcome.Cancelled cancelled ->
                error(batchId, line, customId, "batch_cancelled", "the batch was cancelled before this request ended");
            case Outcome.Expired expired ->
                error(
                        batchId,
                        line,
                        customId,
                        "batch_expired",
                        "this request could not be executed before the completion window expired");
        };
    }

    static BatchStore.ResultLine error(String batchId, int line, String customId, String code, String message) {
        ObjectNode node = start(batchId, line, customId);
        node.putNull("response");
        node.putObject("error").put("code", code).put("message", message);
        return new BatchStore.ResultLine(line, false, node.toString());
    }

    private static BatchStore.ResultLine answer(
            String batchId, int line, String customId, Outcome outcome, Outcome.Answered answered) {
        ObjectNode node = start(batchId, line, customId);
        ObjectNode response = node.putObject("response");
        response.put("status_code", 200);
        response.put("request_id", Long.toString(outcome.id().value()));
        ObjectNode body = response.putObject("body");
        body.put("id", "chatcmpl-llmq-" + outcome.id().value());
        body.put("object", "chat.completion");
        body.put("created", outcome.completedAt().getEpochSecond());
        body.put("model", answered.model());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message")
                .put("role", "assistant")
                .put("content", answered.text())
                .putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        body.putObject("usage")
                .put("prompt_tokens", answered.usage().promptTokens())
                .put("completion_tokens", answered.usage().completionTokens())
                .put("total_tokens", answered.usage().totalTokens());
        node.putNull("error");
        return new BatchStore.ResultLine(line, true, node.toString());
    }

    private static ObjectNode start(String batchId, int line, String customId) {
        ObjectNode node = BatchRecord.JSON.createObjectNode();
        node.put("id", ObjectIds.requestId(batchId, line));
        node.put("custom_id", customId);
        return node;
    }
}
