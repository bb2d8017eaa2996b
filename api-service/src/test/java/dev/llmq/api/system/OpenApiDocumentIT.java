package dev.llmq.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmq.shared.testing.RedisServerExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The served OpenAPI document describes every endpoint, and {@code docs/openapi.json} is an exact copy of it. After
 * changing an endpoint, regenerate the copy with {@code -Dopenapi.write=true} (see the failure message).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=api-service")
class OpenApiDocumentIT {

    /** The checked-in copy, relative to the api-service module (where Maven runs its tests). */
    static final Path CHECKED_IN = Path.of("..", "docs", "openapi.json");

    private static final String REGENERATE = "./mvnw -o verify -pl api-service -am -Dit.test=OpenApiDocumentIT"
            + " -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true";

    @RegisterExtension
    static RedisServerExtension server = new RedisServerExtension();

    private final JsonMapper json = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT, SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private String served;
    private JsonNode document;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("llmq.redis.url", () -> server.redis().url());
    }

    @BeforeEach
    void fetch() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/openapi.json"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        document = json.readTree(response.body());
        served = json.writeValueAsString(json.treeToValue(document, Object.class)) + "\n";
    }

    @Test
    void theCheckedInCopyMatchesTheServedDocument() throws IOException {
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(CHECKED_IN, served);
        }

        assertThat(Files.exists(CHECKED_IN))
                .as("docs/openapi.json is missing; create it with: " + REGENERATE)
                .isTrue();
        assertThat(Files.readString(CHECKED_IN))
                .as("docs/openapi.json differs from the document api-service serves; regenerate it with: " + REGENERATE)
                .isEqualTo(served);
    }

    @Test
    void everyEndpointIsDocumented() {
        List<String> missing = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            String owner = method.getBeanType().getPackageName();
            if (!owner.startsWith("dev.llmq.api") || owner.startsWith("dev.llmq.api.system")) {
                return;
            }
            for (String path : info.getPatternValues()) {
                for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                    if (document.path("paths")
                            .path(path)
                            .path(verb.name().toLowerCase(Locale.ROOT))
                            .isMissingNode()) {
                        missing.add(verb + " " + path);
                    }
                }
            }
        });

        assertThat(missing).as("endpoints missing from the OpenAPI document").isEmpty();
        assertThat(document.path("paths").size()).isPositive();
    }

    @Test
    void everyOperationDocumentsItsProblemsAndTheBearerScheme() {
        assertThat(document.path("openapi").asText()).startsWith("3.1");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText())
                .isEqualTo("bearer");
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    JsonNode responses = operation.getValue().path("responses");
                    assertThat(responses
                                    .at("/400/content/application~1problem+json/schema/$ref")
                                    .asText())
                            .as(operation.getKey() + " " + path.getKey())
                            .isEqualTo("#/components/schemas/Problem");
                    assertThat(responses.has("500"))
                            .as(operation.getKey() + " " + path.getKey())
                            .isFalse();
                }));
    }
}
