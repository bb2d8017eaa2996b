package dev.llmq.api.system;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.Map;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Describes llmq's problem JSON once and gives every operation the problem responses any request may get (bad
 * input, too large, too slow, rate limited, Redis lost), next to the ones its controller documents itself.
 */
@Component
class OpenApiProblems implements GlobalOpenApiCustomizer {

    static final String PROBLEM = "Problem";
    private static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    @Override
    public void customise(OpenAPI openApi) {
        openApi.getComponents().addSchemas(PROBLEM, problemSchema());
        openApi.getComponents().addHeaders("Retry-After", retryAfter());
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths()
                .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    operation.setOperationId(operationId(method.name(), path));
                    addCommon(path, operation);
                }));
    }

    /**
     * A stable id from the method and path ({@code GET /v1/files/{id}/content} is {@code getV1FilesByIdContent}), so
     * two controllers' methods of the same name never get springdoc's order-dependent {@code _1} suffixes.
     */
    static String operationId(String method, String path) {
        StringBuilder id = new StringBuilder(method.toLowerCase(java.util.Locale.ROOT));
        for (String segment : path.split("[/_-]")) {
            if (segment.startsWith("{")) {
                id.append("By");
                segment = segment.substring(1, segment.length() - 1);
            }
            if (!segment.isEmpty()) {
                id.append(Character.toUpperCase(segment.charAt(0))).append(segment.substring(1));
            }
        }
        return id.toString();
    }

    private static void addCommon(String path, Operation operation) {
        ApiResponses responses = operation.getResponses();
        responses.remove("500");
        responses.values().forEach(OpenApiProblems::useProblemJsonForErrors);
        add(responses, "400", problem("The request is malformed; detail says what is wrong"));
        add(responses, "401", problem("An API key is required, or the one sent is not valid"));
        if (path.contains("{")) {
            add(responses, "404", problem("No such object for this caller"));
        }
        add(responses, "408", problem("The request body was not received within LLMQ_API_BODY_READ_TIMEOUT"));
        if (operation.getRequestBody() != null) {
            add(responses, "413", problem("The request body exceeds LLMQ_API_MAX_BODY_SIZE"));
            add(responses, "415", problem("The request body is not application/json"));
        }
        add(
                responses,
                "429",
                problem("Too many requests or unfinished queries; retry after Retry-After seconds")
                        .headers(Map.of("Retry-After", new Header().$ref("#/components/headers/Retry-After"))));
        add(
                responses,
                "503",
                problem("Redis cannot be reached; nothing was done. Retry after Retry-After seconds")
                        .headers(Map.of("Retry-After", new Header().$ref("#/components/headers/Retry-After"))));
    }

    /** Error responses a controller documents get the problem schema, whatever springdoc inferred for them. */
    private static void useProblemJsonForErrors(ApiResponse response) {
        if (response.getContent() != null && response.getContent().containsKey(PROBLEM_JSON)) {
            response.getContent().get(PROBLEM_JSON).schema(new Schema<>().$ref(ref()));
        }
    }

    private static void add(ApiResponses responses, String status, ApiResponse response) {
        if (!responses.containsKey(status)) {
            responses.addApiResponse(status, response);
        }
    }

    static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content().addMediaType(PROBLEM_JSON, new MediaType().schema(new Schema<>().$ref(ref()))));
    }

    private static String ref() {
        return "#/components/schemas/" + PROBLEM;
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .description("An RFC 9457 problem: what went wrong, for people (title, detail) and programs (status)")
                .addProperty("type", new StringSchema().example("about:blank"))
                .addProperty("title", new StringSchema().example("Invalid request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("'prompt' is required (or 'messages')"))
                .addProperty("instance", new StringSchema().example("/query"))
                .addProperty(
                        "error",
                        new ObjectSchema()
                                .description("On /v1 paths only: the same error in OpenAI's shape, for OpenAI SDKs")
                                .addProperty("message", new StringSchema())
                                .addProperty("type", new StringSchema().example("invalid_request_error"))
                                .addProperty("param", new StringSchema())
                                .addProperty("code", new StringSchema()))
                .addRequiredItem("title")
                .addRequiredItem("status")
                .addRequiredItem("detail");
    }

    private static Header retryAfter() {
        return new Header()
                .description("Seconds to wait before retrying")
                .schema(new IntegerSchema().minimum(java.math.BigDecimal.ZERO));
    }
}
