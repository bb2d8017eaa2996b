package dev.llmq.api.system;

import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BooleanSchema;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MapSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI object shapes the Batch API answers with ({@code Batch}, {@code File}, their lists, a deleted file), for
 * the OpenAPI document; the batch controllers build them as JSON trees, which springdoc cannot describe by itself.
 */
@Configuration(proxyBeanMethods = false)
class BatchApiSchemas {

    static {
        // the trees are described by the schemas below; springdoc must not introspect Jackson's node classes
        org.springdoc.core.utils.SpringDocUtils.getConfig().replaceWithClass(ObjectNode.class, Object.class);
    }

    @Bean
    OpenApiCustomizer batchObjectShapes() {
        return openApi -> openApi.getComponents()
                .addSchemas("Batch", batch())
                .addSchemas("File", file())
                .addSchemas("BatchList", list("Batch"))
                .addSchemas("FileList", list("File"))
                .addSchemas(
                        "DeletedFile",
                        new ObjectSchema()
                                .addProperty("id", new StringSchema())
                                .addProperty("object", new StringSchema()._enum(List.of("file")))
                                .addProperty("deleted", new BooleanSchema()));
    }

    private static Schema<?> batch() {
        Schema<?> counts = new ObjectSchema()
                .addProperty("total", new IntegerSchema())
                .addProperty("completed", new IntegerSchema())
                .addProperty("failed", new IntegerSchema());
        Schema<?> batch = new ObjectSchema()
                .description("An OpenAI batch object; timestamps are epoch seconds")
                .addProperty("id", new StringSchema().pattern("^batch_[A-Za-z0-9]{24}$"))
                .addProperty("object", new StringSchema()._enum(List.of("batch")))
                .addProperty("endpoint", new StringSchema()._enum(List.of("/v1/chat/completions")))
                .addProperty("errors", new ObjectSchema().description("why validation failed (status failed)"))
                .addProperty("input_file_id", new StringSchema())
                .addProperty("completion_window", new StringSchema()._enum(List.of("24h")))
                .addProperty(
                        "status",
                        new StringSchema()
                                ._enum(List.of(
                                        "validating",
                                        "failed",
                                        "in_progress",
                                        "finalizing",
                                        "completed",
                                        "expired",
                                        "cancelling",
                                        "cancelled")))
                .addProperty("output_file_id", new StringSchema().nullable(true))
                .addProperty("error_file_id", new StringSchema().nullable(true))
                .addProperty("request_counts", counts)
                .addProperty("metadata", new MapSchema().additionalProperties(new StringSchema()));
        for (String at : List.of(
                "created_at",
                "in_progress_at",
                "expires_at",
                "finalizing_at",
                "completed_at",
                "failed_at",
                "expired_at",
                "cancelling_at",
                "cancelled_at")) {
            batch.addProperty(at, new IntegerSchema().format("int64").nullable(true));
        }
        return batch;
    }

    private static Schema<?> file() {
        return new ObjectSchema()
                .description("An OpenAI file object")
                .addProperty("id", new StringSchema().pattern("^file-[A-Za-z0-9]{24}$"))
                .addProperty("object", new StringSchema()._enum(List.of("file")))
                .addProperty("bytes", new IntegerSchema().format("int64"))
                .addProperty("created_at", new IntegerSchema().format("int64"))
                .addProperty("filename", new StringSchema())
                .addProperty("purpose", new StringSchema()._enum(List.of("batch", "batch_output")))
                .addProperty("status", new StringSchema()._enum(List.of("processed")));
    }

    private static Schema<?> list(String item) {
        return new ObjectSchema()
                .addProperty("object", new StringSchema()._enum(List.of("list")))
                .addProperty("data", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/" + item)))
                .addProperty("first_id", new StringSchema().nullable(true))
                .addProperty("last_id", new StringSchema().nullable(true))
                .addProperty("has_more", new BooleanSchema());
    }
}
