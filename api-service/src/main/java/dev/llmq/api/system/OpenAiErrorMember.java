package dev.llmq.api.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Adds OpenAI's {@code "error": {"message","type","param","code"}} member to problem responses under {@code /v1/}, so
 * OpenAI SDKs show llmq's message; the body stays RFC 9457 problem JSON.
 */
@RestControllerAdvice
class OpenAiErrorMember implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public @Nullable Object beforeBodyWrite(
            @Nullable Object body,
            MethodParameter returnType,
            MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && request.getURI().getPath().startsWith("/v1/")) {
            addTo(problem);
        }
        return body;
    }

    static void addTo(ProblemDetail problem) {
        Map<String, @Nullable Object> error = new LinkedHashMap<>();
        error.put("message", problem.getDetail() == null ? problem.getTitle() : problem.getDetail());
        error.put("type", type(problem.getStatus()));
        error.put("param", null);
        error.put("code", problem.getStatus() == 404 ? "not_found" : null);
        problem.setProperty("error", error);
    }

    private static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
