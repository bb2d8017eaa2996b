package dev.llmq.api.system;

import dev.llmq.api.access.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.DateTimeSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI 3.1 document served at {@code /openapi.json}: springdoc reads every controller mapping, so new
 * endpoints appear by themselves; {@link OpenApiProblems} adds the problem responses every operation may give.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiWiring {

    static final String BEARER = "bearer";

    static {
        // the caller comes from the access filter, never from the client's request
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI llmqOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("llmq")
                        .version("1")
                        .description("Submit LLM queries, then read, wait for, stream or cancel their results."
                                + " Every error is RFC 9457 problem JSON.")
                        .license(new License().name("MIT")))
                .servers(List.of(new Server().url("/")))
                .components(new Components()
                        .addSchemas("Outcome", outcome())
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API key, sent as Authorization: Bearer <key>; not needed"
                                                + " from loopback clients while no keys are configured")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /** A finished query as {@code GET /result} and {@code DELETE /query} return it (written by the shared protocol). */
    private static Schema<?> outcome() {
        return new ObjectSchema()
                .description("A finished query; which fields are present depends on status")
                .addProperty("id", new IntegerSchema().format("int64"))
                .addProperty("status", new StringSchema()._enum(List.of("succeeded", "failed", "cancelled", "expired")))
                .addProperty("text", new StringSchema().description("the answer (succeeded)"))
                .addProperty("model", new StringSchema().description("the model that answered (succeeded)"))
                .addProperty(
                        "usage",
                        new ObjectSchema()
                                .addProperty("prompt_tokens", new IntegerSchema())
                                .addProperty("completion_tokens", new IntegerSchema())
                                .addProperty("total_tokens", new IntegerSchema()))
                .addProperty(
                        "timing",
                        new ObjectSchema()
                                .addProperty("queued_ms", new IntegerSchema().format("int64"))
                                .addProperty("model_ms", new IntegerSchema().format("int64")))
                .addProperty(
                        "error",
                        new ObjectSchema()
                                .description("why it failed (failed)")
                                .addProperty("code", new StringSchema())
                                .addProperty("message", new StringSchema()))
                .addProperty("deadline", new DateTimeSchema().description("the deadline it missed (expired)"))
                .addProperty("attempts", new IntegerSchema())
                .addProperty("submitted_at", new DateTimeSchema())
                .addProperty("started_at", new DateTimeSchema())
                .addProperty("completed_at", new DateTimeSchema())
                .addProperty("tenant", new StringSchema())
                .addRequiredItem("id")
                .addRequiredItem("status");
    }
}
