package dev.llmq.api.access;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** An admin request that cannot be done as asked; rendered as problem JSON by Spring's own error handling. */
final class AdminRequestException extends ErrorResponseException {

    AdminRequestException(HttpStatus status, String title, String detail) {
        super(status, problem(status, title, detail), null);
    }

    static AdminRequestException invalid(String detail) {
        return new AdminRequestException(HttpStatus.BAD_REQUEST, "Invalid request", detail);
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create("about:blank"));
        return problem;
    }
}
