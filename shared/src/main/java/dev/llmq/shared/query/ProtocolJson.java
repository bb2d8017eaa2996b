package dev.llmq.shared.query;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON forms of queries and outcomes, written field by field so that any client (redis-cli, Go, Python) can read
 * and write them: snake_case names, ISO-8601 instants, no class tags.
 */
public final class ProtocolJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ProtocolJson() {}

    public static String encode(Query query) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", query.id().value());
        ArrayNode messages = node.putArray("messages");
        for (ChatMessage message : query.request().messages()) {
            messages.addObject().put("role", message.role().wireName()).put("content", message.content());
        }
        if (query.request().model() != null) {
            node.put("model", query.request().model());
        }
        GenerationOptions options = query.request().options();
        if (!options.equals(GenerationOptions.DEFAULTS)) {
            node.set("options", encode(options));
        }
        node.put("submitted_at", query.submittedAt().toString());
        node.put("attempt", query.attempt());
        node.put("tenant", query.tenant().value());
        if (query.priority() != Priority.NORMAL) {
            node.put("priority", query.priority().wireName());
        }
        if (query.deadline() != null) {
            node.put("deadline", query.deadline().toString());
        }
        if (query.traceParent() != null) {
            node.put("traceparent", query.traceParent().value());
        }
        // always written: an entry without it (written before it existed, or by another client) counts as counted
        node.put("in_flight_counted", query.inFlightCounted());
        return node.toString();
    }

    private static ObjectNode encode(GenerationOptions options) {
        ObjectNode node = MAPPER.createObjectNode();
        if (options.maxTokens() != null) {
            node.put("max_tokens", options.maxTokens());
        }
        if (options.temperature() != null) {
            node.put("temperature", options.temperature());
        }
        if (options.topP() != null) {
            node.put("top_p", options.topP());
        }
        if (!options.stop().isEmpty()) {
            ArrayNode stop = node.putArray("stop");
            options.stop().forEach(stop::add);
        }
        if (options.seed() != null) {
            node.put("seed", options.seed());
        }
        if (options.responseFormat() != null) {
            node.put("response_format", options.responseFormat().wireName());
        }
        return node;
    }

    public static Query decodeQuery(String json) {
        JsonNode node = parse(json);
        try {
            String tenant = optionalText(node, "tenant");
            String priority = optionalText(node, "priority");
            String deadline = optionalText(node, "deadline");
            return new Query(
                    new QueryId(requiredLong(node, "id")),
                    new QueryRequest(messages(node), optionalText(node, "model"), options(node.path("options"))),
                    Instant.parse(requiredText(node, "submitted_at")),
                    Math.toIntExact(optionalLong(node, "attempt", 1)),
                    tenant == null ? TenantId.LOCAL : new TenantId(tenant),
                    priority == null ? Priority.NORMAL : Priority.fromWireName(priority),
                    deadline == null ? null : Instant.parse(deadline),
                    traceParent(node),
                    node.path("in_flight_counted").asBoolean(true));
        } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException ex) {
            throw new MalformedProtocolJsonException(json, ex.getMessage());
        }
    }

    /**
     * The trace context the query was enqueued in. Entries written before it existed have none, and one that is not a
     * valid traceparent is ignored: tracing must never keep a query from being processed.
     */
    private static @Nullable TraceParent traceParent(JsonNode node) {
        JsonNode value = node.get("traceparent");
        return value == null || !value.isString()
                ? null
                : TraceParent.parse(value.stringValue()).orElse(null);
    }

    /** The conversation: {@code messages}, or the seed-style {@code prompt} of entries written before it existed. */
    private static List<ChatMessage> messages(JsonNode node) {
        if (!node.has("messages")) {
            return List.of(new ChatMessage(ChatMessage.Role.USER, requiredText(node, "prompt")));
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode message : node.get("messages")) {
            messages.add(new ChatMessage(
                    ChatMessage.Role.fromWireName(requiredText(message, "role")), requiredText(message, "content")));
        }
        return messages;
    }

    private static GenerationOptions options(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return GenerationOptions.DEFAULTS;
        }
        List<String> stop = new ArrayList<>();
        for (JsonNode sequence : node.path("stop")) {
            // asString() would throw Jackson's own exception for an object or array, which no caller expects
            if (!sequence.isString()) {
                throw new IllegalArgumentException("'stop' must hold strings");
            }
            stop.add(sequence.stringValue());
        }
        String format = optionalText(node, "response_format");
        return new GenerationOptions(
                node.has("max_tokens") ? Math.toIntExact(requiredLong(node, "max_tokens")) : null,
                node.has("temperature") ? requiredDouble(node, "temperature") : null,
                node.has("top_p") ? requiredDouble(node, "top_p") : null,
                stop,
                node.has("seed") ? requiredLong(node, "seed") : null,
                format == null ? null : GenerationOptions.ResponseFormat.fromWireName(format));
    }

    public static String encode(Outcome outcome) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", outcome.id().value());
        node.put("status", outcome.status().wireName());
        switch (outcome.result()) {
            case Outcome.Answered answered -> {
                node.put("text", answered.text());
                node.put("model", answered.model());
                ObjectNode usage = node.putObject("usage");
                usage.put("prompt_tokens", answered.usage().promptTokens());
                usage.put("completion_tokens", answered.usage().completionTokens());
                usage.put("total_tokens", answered.usage().totalTokens());
                timing(node, answered.timing());
            }
            case Outcome.Failed failed -> {
                ObjectNode error = node.putObject("error");
                error.put("code", failed.error().code());
                error.put("message", failed.error().message());
                if (!failed.timing().equals(Timing.UNKNOWN)) {
                    timing(node, failed.timing());
                }
            }
            case Outcome.Cancelled cancelled -> {
                // nothing more: the status says it all
            }
            case Outcome.Expired expired ->
                node.put("deadline", expired.deadline().toString());
        }
        node.put("attempts", outcome.attempts());
        node.put("submitted_at", outcome.submittedAt().toString());
        if (outcome.startedAt() != null) {
            node.put("started_at", outcome.startedAt().toString());
        }
        node.put("completed_at", outcome.completedAt().toString());
        node.put("tenant", outcome.tenant().value());
        return node.toString();
    }

    public static Outcome decodeOutcome(String json) {
        JsonNode node = parse(json);
        try {
            Instant completedAt = Instant.parse(requiredText(node, "completed_at"));
            String submittedAt = optionalText(node, "submitted_at");
            String startedAt = optionalText(node, "started_at");
            return new Outcome(
                    new QueryId(requiredLong(node, "id")),
                    tenantOf(node),
                    submittedAt == null ? completedAt : Instant.parse(submittedAt),
                    startedAt == null ? null : Instant.parse(startedAt),
                    Math.toIntExact(optionalLong(node, "attempts", 1)),
                    completedAt,
                    result(node, json));
        } catch (IllegalArgumentException | ArithmeticException | DateTimeParseException ex) {
            throw new MalformedProtocolJsonException(json, ex.getMessage());
        }
    }

    private static Outcome.Result result(JsonNode node, String json) {
        return switch (QueryStatus.fromWireName(requiredText(node, "status"))) {
            case SUCCEEDED ->
                new Outcome.Answered(
                        requiredText(node, "text"),
                        requiredText(node, "model"),
                        new Usage(
                                requiredLong(node.path("usage"), "prompt_tokens"),
                                requiredLong(node.path("usage"), "completion_tokens")),
                        timing(node.path("timing")));
            case FAILED ->
                new Outcome.Failed(
                        new QueryError(
                                requiredText(node.path("error"), "code"), requiredText(node.path("error"), "message")),
                        timing(node.path("timing")));
            case CANCELLED -> new Outcome.Cancelled();
            case EXPIRED -> new Outcome.Expired(Instant.parse(requiredText(node, "deadline")));
            case QUEUED, RUNNING -> throw new MalformedProtocolJsonException(json, "an outcome must be terminal");
        };
    }

    /** The tenant a stored outcome belongs to (outcomes stored before tenants existed belong to the local one). */
    public static TenantId tenantOfOutcome(String json) {
        try {
            return tenantOf(parse(json));
        } catch (IllegalArgumentException ex) {
            throw new MalformedProtocolJsonException(json, ex.getMessage());
        }
    }

    private static TenantId tenantOf(JsonNode node) {
        String tenant = optionalText(node, "tenant");
        return tenant == null ? TenantId.LOCAL : new TenantId(tenant);
    }

    private static void timing(ObjectNode outcome, Timing timing) {
        ObjectNode node = outcome.putObject("timing");
        node.put("queued_ms", timing.queued().toMillis());
        node.put("model_ms", timing.model().toMillis());
        if (timing.firstToken() != null) {
            node.put("first_token_ms", timing.firstToken().toMillis());
        }
    }

    private static Timing timing(JsonNode node) {
        if (node.isMissingNode()) {
            return Timing.UNKNOWN;
        }
        return new Timing(
                Duration.ofMillis(optionalLong(node, "queued_ms", 0)),
                Duration.ofMillis(optionalLong(node, "model_ms", 0)),
                node.has("first_token_ms") ? Duration.ofMillis(requiredLong(node, "first_token_ms")) : null);
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new MalformedProtocolJsonException(json, "expected a JSON object");
            }
            return node;
        } catch (JacksonException ex) {
            throw new MalformedProtocolJsonException(json, ex.getOriginalMessage());
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return value.stringValue();
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        return node.has(field) && !node.get(field).isNull() ? requiredText(node, field) : null;
    }

    private static long optionalLong(JsonNode node, String field, long defaultValue) {
        return node.has(field) ? requiredLong(node, field) : defaultValue;
    }

    private static double requiredDouble(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a number");
        }
        return value.doubleValue();
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number");
        }
        return value.longValue();
    }
}
