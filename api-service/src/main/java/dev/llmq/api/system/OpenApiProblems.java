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
        openApi.getPaths().values().forEach(path -> path.readOperations().forEach(OpenApiProblems::addCommon));
    }

    private static void addCommon(Operation operation) {
        ApiResponses responses = operation.getResponses();
        responses.remove("500");
        responses.values().forEach(OpenApiProblems::useProblemJsonForErrors);
        add(responses, "400", problem("The request is malformed; detail says what is wrong"));
        add(responses, "401", problem("An API key is required, or the one sent is not valid"));
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
